"""The module's pages, one file per part: plans (settings), visits, needs, worklist (the
phone pages, offline), areas (the township's and county's tables)."""

"""/api/v1/techaid/…: the figures part's viewsets (registered on core.api.router)."""

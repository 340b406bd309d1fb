"""/api/v1/techaid/…: the catalog part's viewsets (registered on core.api.router)."""

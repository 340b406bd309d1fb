"""/api/v1/techaid/…: the pairing part's viewsets (registered on core.api.router)."""

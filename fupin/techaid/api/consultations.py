"""/api/v1/techaid/…: the consultations part's viewsets (registered on core.api.router)."""

"""/api/v1/techaid/…: the prescriptions part's viewsets (registered on core.api.router)."""

class ServiceError(Exception):
    """A rule refused the action; the message is for the user (Chinese, through gettext)."""

    def __init__(self, message, *, field: str | None = None):
        self.message = str(message)
        self.field = field
        super().__init__(self.message)


class ConcurrentEditError(ServiceError):
    """Somebody saved the record after this user opened it (lost-update guard)."""

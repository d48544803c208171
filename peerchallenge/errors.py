"""Exceptions that services raise with a message fit to show the person who asked."""


class ServiceError(Exception):
    """A request the rules do not allow; the message says why in plain words.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class EditConflict(ServiceError):
    """Someone saved the same thing after this page was opened, so nothing was saved.

    Pages guarded by a version check show the newer text beside the typed one, with a 409.
    """

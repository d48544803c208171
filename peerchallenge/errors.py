"""Exceptions that services raise with a message fit to show the person who asked."""


class ServiceError(Exception):
    """A request the rules do not allow; the message says why in plain words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

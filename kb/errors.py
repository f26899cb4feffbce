"""Domain errors.  The CLI turns each into a clear message and an exit code."""


class KbError(Exception):
    """Base class: anything the user can act on."""
    exit_code = 1


class ReadError(KbError):
    """A corpus file that cannot be read as a document.  Names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotFound(KbError):
    """A reference (发文字号 or id) that is not in the knowledge base."""
    exit_code = 1


class NoIndex(KbError):
    """The knowledge base has not been built yet."""
    exit_code = 2

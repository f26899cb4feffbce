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


class BadValue(KbError):
    """A value given on the command line or in a query that cannot be used (year:abc, --limit 0)."""
    exit_code = 2


class Damaged(KbError):
    """A file of the knowledge base (or one given to a command) that cannot be read as what it should be."""
    exit_code = 1


class Busy(KbError):
    """Another build holds the knowledge base's build lock."""
    exit_code = 4

    def __init__(self, pid: int | None, index_dir: str):
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(f"another build ({who}) is running on {index_dir}: "
                         "wait for it to finish, or run kb build --wait")
        self.pid = pid

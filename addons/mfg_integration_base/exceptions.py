"""Errors a flow handler raises; the engine turns each into a message state."""


class MfgError(Exception):
    """Base: ``record`` is where the exception activity goes (else the
    message), ``user`` who gets it (else the flow's responsible)."""

    error_kind = "permanent"

    def __init__(self, message, record=None, user=None):
        super().__init__(message)
        self.record = record
        self.user = user


class MfgTransientError(MfgError):
    """Try again later: the engine retries with backoff, then dead-letters."""

    error_kind = "transient"


class MfgValidationError(MfgError):
    """Bad or missing master data; a person must fix it, then replay."""

    error_kind = "validation"


class MfgConflictError(MfgError):
    """A business rule refuses the request (frozen order, done MO...)."""

    error_kind = "conflict"


class MfgEndpointGone(MfgError):
    """The receiver answered 410 Gone: its endpoint is disabled at once and the
    message waits for it to be re-enabled."""

    error_kind = "permanent"

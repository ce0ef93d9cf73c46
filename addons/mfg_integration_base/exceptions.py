# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors a flow handler raises; the engine turns each into a message state.

The one way to refuse something in the suite: a handler, a business method or
a button raises ``MfgValidationError`` / ``MfgConflictError`` /
``MfgTransientError`` with the ``record`` the problem is about. They are
``UserError``: when the same check runs from a button, the person reads the
text. Pure-Python ``core/`` code cannot import them: its exceptions carry an
``error_kind`` instead, and ``core_errors`` turns them into these.
"""

from contextlib import contextmanager

from odoo.exceptions import UserError


class MfgError(UserError):
    """Base: ``record`` is where the exception activity goes (else the
    message), ``user`` who gets it (else the flow's responsible), ``details``
    what is wrong item by item (dicts with a ``message``), for a caller that
    lists them."""

    error_kind = "permanent"

    def __init__(self, message, record=None, user=None, details=None):
        super().__init__(message)
        self.record = record
        self.user = user
        self.details = details or []


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


#: the engine's error of each kind a core exception may declare
CORE_ERROR_KINDS = {
    error.error_kind: error
    for error in (MfgValidationError, MfgConflictError, MfgTransientError)
}


@contextmanager
def core_errors(record=None, user=None, subject=None):
    """Turn an exception of a ``core/`` package raised in the block (one with
    an ``error_kind`` of validation, conflict or transient) into the engine's
    error of that kind, about ``record``; ``subject`` prefixes its text
    (``"WH/MO/00012: no work order with sequence 9"``). Other exceptions
    pass unchanged::

        with core_errors(record=production, subject=production.name):
            workorder_id = operations.find_workorder(workorders, reference)
    """
    try:
        yield
    except MfgError:
        raise
    except Exception as err:
        error_class = CORE_ERROR_KINDS.get(getattr(err, "error_kind", None))
        if error_class is None:
            raise
        text = f"{subject}: {err}" if subject else str(err)
        raise error_class(text, record=record, user=user) from err

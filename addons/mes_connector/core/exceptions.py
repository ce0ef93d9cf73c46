# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exceptions of the pure-python core.

The Odoo layer turns them into the engine's ``MfgValidationError`` /
``MfgConflictError`` with the MO as record, so the planner gets the activity.
"""


class MesCoreError(Exception):
    """Base class of the core errors."""

    #: "validation" (bad or unknown data) or "conflict" (refused by a rule)
    kind = "validation"


class InvalidTimestampError(MesCoreError):
    """A timestamp that is not an ISO 8601 date-time."""


class WorkorderNotFoundError(MesCoreError):
    """No work order of the MO matches the reference of the event."""


class AmbiguousWorkorderError(MesCoreError):
    """Several work orders of the MO match the reference of the event."""


class InvalidTransitionError(MesCoreError):
    """An operation event that the work order's current state does not allow."""

    kind = "conflict"

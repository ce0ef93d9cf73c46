# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Exceptions of the pure-python core.

Each carries an ``error_kind``; the Odoo layer raises them inside
``odoo.addons.mfg_integration_base.exceptions.core_errors(record=the MO)``,
which turns them into the engine's error of that kind for the MO's planner.
"""


class MesCoreError(Exception):
    """Base class of the core errors."""

    #: "validation" (bad or unknown data) or "conflict" (refused by a rule)
    error_kind = "validation"


class InvalidTimestampError(MesCoreError):
    """A timestamp that is not an ISO 8601 date-time."""


class WorkorderNotFoundError(MesCoreError):
    """No work order of the MO matches the reference of the event."""


class AmbiguousWorkorderError(MesCoreError):
    """Several work orders of the MO match the reference of the event."""


class InvalidTransitionError(MesCoreError):
    """An operation event that the work order's current state does not allow."""

    error_kind = "conflict"

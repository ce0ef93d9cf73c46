"""Errors raised by the pure rules of quality_bridge.

Each carries an ``error_kind``; the Odoo layer raises them inside
``odoo.addons.mfg_integration_base.exceptions.core_errors(record=...)``, which
turns them into the engine's MfgValidationError / MfgConflictError.
"""


class QualityRuleError(Exception):
    """A payload or a request breaks a quality rule (bad input)."""

    error_kind = "validation"

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params


class InsufficientQuantityError(QualityRuleError):
    """More quantity was asked than there is on hand / left to disposition."""


class StateConflictError(QualityRuleError):
    """The record is in a state that refuses the request (e.g. a closed NC)."""

    error_kind = "conflict"

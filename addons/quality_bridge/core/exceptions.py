"""Errors raised by the pure rules of quality_bridge.

The Odoo layer turns them into the engine's MfgValidationError / MfgConflictError.
"""


class QualityRuleError(Exception):
    """A payload or a request breaks a quality rule (bad input)."""

    kind = "validation"

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params


class InsufficientQuantityError(QualityRuleError):
    """More quantity was asked than there is on hand / left to disposition."""


class StateConflictError(QualityRuleError):
    """The record is in a state that refuses the request (e.g. a closed NC)."""

    kind = "conflict"

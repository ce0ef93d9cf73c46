# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Errors of the PLM connector."""

from odoo.exceptions import UserError


class PlmApplyError(UserError):
    """An engineering change cannot be applied; nothing of it was written.
    ``problems``: the validation problems (dicts of core.validation) behind it."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = problems or []

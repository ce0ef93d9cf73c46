# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""These tests need no database: neutralise pytest-odoo's registry loading here."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    """Override pytest-odoo's fixture of the same name: core tests use no Odoo."""
    yield

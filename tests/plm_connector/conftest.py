"""The pure tests of plm_connector/core need no database.

pytest-odoo declares an autouse session fixture ``load_registry`` that opens
an Odoo registry; the fixture of the same name here overrides it for this
directory, so ``python3 -m pytest tests/plm_connector/`` runs without Odoo.
"""

import pytest


@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield

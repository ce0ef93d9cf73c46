# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End-to-end fixtures: a real Odoo server with the queue_job runner, on a copy of
the installed test database, and the plant's simulators talking to it over HTTP.

The root conftest leaves tests/e2e uncollected without Odoo. With it, the
database to copy is, in this order: ``MFG_E2E_TEMPLATE_DB`` (setup/test makes
one with ``createdb -T`` of the fresh test database before pytest starts), else
pytest-odoo's ``--odoo-database`` (its connections are closed first). The Odoo
configuration comes from ``--odoo-config`` (else ``MFG_E2E_ODOO_CONFIG``, else
var/test.conf); each server gets its own copy with a port in 8400-8499.
"""

import configparser
import os
import signal
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from e2e_odoo_server import OdooServer, free_ports  # noqa: E402 (after sys.path)

from simulators.plant import Plant  # noqa: E402


def _template(config):
    template = os.environ.get("MFG_E2E_TEMPLATE_DB")
    if template:
        return template
    database = config.getoption("--odoo-database", None)
    if not database:
        pytest.skip(
            "no installed database to copy: run through setup/test, or set "
            "MFG_E2E_TEMPLATE_DB to a database with the five addons"
        )
    try:  # pytest-odoo's own connections would stop CREATE DATABASE ... TEMPLATE
        import odoo.sql_db

        odoo.sql_db.close_db(database)
    except ImportError:
        pass
    return database


def _base_conf(config):
    return (
        config.getoption("--odoo-config", None)
        or os.environ.get("MFG_E2E_ODOO_CONFIG")
        or str(ROOT / "var" / "test.conf")
    )


@pytest.fixture(scope="session")
def e2e_settings(request):
    base_conf = _base_conf(request.config)
    if not Path(base_conf).is_file():
        pytest.skip(f"no Odoo configuration {base_conf}: run through setup/test")
    template = _template(request.config)
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(base_conf)
    data_dir = parser["options"].get("data_dir") or str(ROOT / "var" / "data")
    return {
        "base_conf": base_conf,
        "template": template,
        "filestore": str(Path(data_dir) / "filestore" / template),
    }


@pytest.fixture(scope="session")
def start_plant(e2e_settings, tmp_path_factory):
    """Factory: a fresh database copy, its Odoo server and a started plant."""
    made = []

    def start(name):
        workdir = tmp_path_factory.mktemp(name)
        db = f"{e2e_settings['template']}_{name}_{os.getpid()}"[:63]
        server = OdooServer(e2e_settings["base_conf"], db, workdir)
        server.create_db(e2e_settings["template"], e2e_settings["filestore"])
        made.append(server)
        server.start()
        plant = Plant(server.url, db, base_port=free_ports(5)).start()
        made.append(plant)
        plant.setup()
        return server, plant

    yield start
    for thing in reversed(made):
        if isinstance(thing, Plant):
            thing.stop()
        else:
            thing.kill(signal.SIGTERM)
            if os.environ.get("MFG_E2E_KEEP_DB") != "1":
                thing.drop_db()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: end-to-end scenario against a running Odoo server"
    )

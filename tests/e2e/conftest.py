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
import importlib.util
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


def _load_front():
    """setup/front.py, the nodes' front address (setup/ is not a package)."""
    spec = importlib.util.spec_from_file_location("front", ROOT / "setup" / "front.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


front = _load_front()


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


@pytest.fixture(scope="session")
def start_nodes(e2e_settings, tmp_path_factory):
    """Factory: ``count`` prefork Odoo nodes (``workers`` HTTP workers each, the
    queue_job runner in each) on ONE fresh database copy and one filestore, a
    front address before them, and a started plant talking to the front.

    Each runner sends its job requests to the front, so that whichever node
    holds queue_job's runner lock, jobs run on every node's workers. The first
    node is started alone until its runner holds the lock: it is the one that
    dispatches until it dies."""
    made = []

    def start(name, count=2, workers=2, channels=OdooServer.CHANNELS):
        workdir = tmp_path_factory.mktemp(name)
        db = f"{e2e_settings['template']}_{name}_{os.getpid()}"[:63]
        entry = front.Front([], port=free_ports(1)).start()
        made.append(entry)
        nodes = []
        for index in range(count):
            # ports are chosen when a node is made: the previous one is bound by now
            node = OdooServer(
                e2e_settings["base_conf"],
                db,
                workdir / f"node{index + 1}",
                workers=workers,
                channels=channels,
                data_dir=workdir / "data",
                runner_port=entry.port,
            )
            if not index:
                node.create_db(e2e_settings["template"], e2e_settings["filestore"])
            made.append(node)
            node.start()
            if not index:
                node.wait_log("queue job runner ready")
            entry.add_backend("127.0.0.1", node.port)
            nodes.append(node)
        plant = Plant(entry.url, db, base_port=free_ports(5)).start()
        made.append(plant)
        plant.setup()
        return nodes, entry, plant

    yield start
    for thing in reversed(made):
        if isinstance(thing, (Plant, front.Front)):
            thing.stop()
        else:
            thing.kill(signal.SIGTERM)
    keep = os.environ.get("MFG_E2E_KEEP_DB") == "1"
    for thing in made:
        if isinstance(thing, OdooServer) and not keep:
            thing.drop_db()
            break  # one database for all the nodes


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "e2e: end-to-end scenario against a running Odoo server"
    )

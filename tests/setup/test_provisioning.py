"""setup/ provisions Odoo 18.0 where python3 has none (README.md, "Prerequisites").

Runs where MFG_ODOO_SOURCE names a local Odoo 18.0 source (a git repository or an
unpacked tree); elsewhere it is skipped with that reason, since provisioning from a
URL needs the network. Into a temporary MFG_VAR it provisions the source and the venv
with setup/provision.sh, imports Odoo 18.0 from the new venv, starts that Odoo on a
database of its own (`base` only, no demo data) until /web/login answers, and checks
that a second provisioning re-uses the venv without pip.

It takes 2-5 minutes (copying the source, pip from the machine's cache, installing
`base`). CI (.ci/run) does not set MFG_ODOO_SOURCE, so CI skips it: where python3
imports Odoo, CI must not build a second one, and where it does not, CI's own
setup/test run provisions var/ itself. `-m "not provisioning"` leaves it out anywhere.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = os.environ.get("MFG_ODOO_SOURCE", "")
# Odoo's own files of a source tree: all that var/odoo may hold, besides the record
# of its source and the metadata of the editable install
ODOO_FILES = {
    "odoo",
    "addons",
    "odoo-bin",
    "setup.py",
    "setup.cfg",
    "setup",
    "requirements.txt",
    "MANIFEST.in",
    "LICENSE",
    "COPYRIGHT",
    "README.md",
}
PROVISION = 'set -euo pipefail; source "$1/setup/lib.sh"; mfg_provision_odoo'

pytestmark = [
    pytest.mark.provisioning,
    pytest.mark.skipif(
        os.environ.get("MFG_FORCE_NO_ODOO") == "1",
        reason="MFG_FORCE_NO_ODOO=1: this run stands for a machine with no Odoo source",
    ),
    pytest.mark.skipif(
        not os.path.isdir(SOURCE),
        reason="MFG_ODOO_SOURCE does not name a local Odoo 18.0 source (a git "
        "repository or an unpacked tree): provisioning would need the network",
    ),
]


def _provision(var):
    env = dict(os.environ, MFG_VAR=str(var), PYTHON=sys.executable)
    return subprocess.run(
        ["bash", "-c", PROVISION, "bash", str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url):
    """(status, body) of url, or None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()
    except OSError:
        return None


def _wait_login(url, server, log, seconds=900):
    """The page at url once it answers 200 (installing `base` comes first)."""
    deadline = time.monotonic() + seconds
    answer = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"Odoo exited ({server.returncode}):\n{log.read_text()[-3000:]}"
            )
        answer = _get(url)
        if answer is not None and answer[0] == 200:
            return answer[1]
        time.sleep(2)
    pytest.fail(
        f"{url} did not answer 200 in {seconds}s (last answer: {answer!r:.300}):\n"
        f"{log.read_text()[-3000:]}"
    )


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory):
    var = tmp_path_factory.mktemp("provisioning") / "var"
    first = _provision(var)
    assert first.returncode == 0, first.stderr[-4000:]
    return var, first


@pytest.fixture
def database(provisioned):
    var, _ = provisioned
    name = os.environ.get("MFG_TEST_DB", "mfg_test") + "_provision"
    drop = [str(var / "venv/bin/python"), str(ROOT / "setup/dbtool.py"), "drop", name]
    subprocess.run(drop, check=True, timeout=120)
    yield name
    subprocess.run(drop, check=True, timeout=120)


def test_provisioned_venv_imports_odoo_18_from_var(provisioned):
    var, first = provisioned
    assert "provisioning one in" in first.stderr
    out = subprocess.run(
        [
            str(var / "venv/bin/python"),
            "-c",
            "import odoo, odoo.release as r; print(r.version); print(odoo.__file__)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    ).stdout.split()
    assert out[0].startswith("18.0")
    # from the provisioned source, not from an Odoo the interpreter already had
    assert Path(out[1]).is_relative_to(var / "odoo")
    assert {entry.name for entry in (var / "odoo").iterdir()} <= ODOO_FILES | {
        ".mfg-source",
        "odoo.egg-info",
    }

    logs = {log: log.stat().st_mtime_ns for log in (var / "log").glob("provision-*")}
    second = _provision(var)
    assert second.returncode == 0, second.stderr[-4000:]
    assert "re-using the Odoo 18.0 provisioned in" in second.stderr
    assert "installing" not in second.stderr
    # no step ran again: every step writes its log
    assert {log: log.stat().st_mtime_ns for log in logs} == logs


def test_provisioned_odoo_answers_web_login(provisioned, database, tmp_path):
    var, _ = provisioned
    port = _free_port()
    log = tmp_path / "odoo.log"
    command = [
        str(var / "venv/bin/python"),
        str(var / "odoo/odoo-bin"),
        f"--database={database}",
        f"--db-filter=^{database}$",
        "--init=base",
        "--without-demo=all",
        f"--data-dir={tmp_path / 'data'}",
        "--http-interface=127.0.0.1",
        f"--http-port={port}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        f"--logfile={log}",
    ]
    log.touch()
    server = subprocess.Popen(command, cwd=tmp_path)
    try:
        body = _wait_login(f"http://127.0.0.1:{port}/web/login", server, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert 'name="login"' in body, body[:2000]

"""What setup/ does with an MFG_ODOO_SOURCE it cannot use (README.md, "Prerequisites").

Seconds, no network, no Odoo: these run everywhere, CI included. A source that cannot
be reached means "no Odoo" (one line, then the no-Odoo path); a local path that is not
an Odoo 18.0 source stops with a message that names it. Neither leaves a half-built
var/odoo or var/venv behind.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROVISION = (
    'source "$1/setup/lib.sh"; '
    'if mfg_provision_odoo; then echo "PROVISIONED"; '
    'else echo "NO ODOO: $MFG_NO_ODOO_REASON"; fi'
)


def _provision(var, source):
    env = dict(
        os.environ,
        MFG_VAR=str(var),
        PYTHON=sys.executable,
        MFG_ODOO_SOURCE=source,
    )
    return subprocess.run(
        ["bash", "-c", PROVISION, "bash", str(ROOT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _left_behind(var):
    return (
        sorted(p.name for p in var.iterdir() if p.name != "log") if var.exists() else []
    )


def test_a_source_that_cannot_be_reached_means_no_odoo_in_one_line(tmp_path):
    source = f"file://{tmp_path}/no-such-repository.git"
    result = _provision(tmp_path / "var", source)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"NO ODOO: python3 cannot import Odoo 18.0 and its source {source} "
        "cannot be reached"
    )
    said = [line for line in result.stderr.splitlines() if "cannot fetch" in line]
    assert len(said) == 1, result.stderr
    assert "going on as with MFG_ODOO_SOURCE=none" in said[0]
    assert _left_behind(tmp_path / "var") == []


def test_none_provisions_nothing(tmp_path):
    result = _provision(tmp_path / "var", "none")
    assert result.stdout.strip() == (
        "NO ODOO: python3 cannot import Odoo 18.0 (MFG_ODOO_SOURCE=none)"
    )
    assert result.stderr == ""
    assert not (tmp_path / "var").exists()


def test_a_missing_local_path_stops_with_its_name(tmp_path):
    source = str(tmp_path / "odoo18")
    result = _provision(tmp_path / "var", source)
    assert result.returncode == 1
    assert "PROVISIONED" not in result.stdout and "NO ODOO" not in result.stdout
    # and stops there: the message is the last thing it says
    assert result.stderr.strip().splitlines()[-1] == (
        f"[setup] ERROR: MFG_ODOO_SOURCE={source} is neither a directory nor a git URL"
    )


def test_a_local_tree_without_odoo_18_stops_with_what_it_holds(tmp_path):
    tree = tmp_path / "odoo17"
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo/release.py").write_text("version_info = (17, 0)\nversion = '17.0'\n")
    (tree / "requirements.txt").write_text("")
    result = _provision(tmp_path / "var", str(tree))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"[setup] ERROR: MFG_ODOO_SOURCE={tree} holds 17.0, not Odoo 18.0"
    )
    assert _left_behind(tmp_path / "var") == []

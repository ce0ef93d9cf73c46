"""Repository-wide pytest rules: which tests need Odoo, and the run without it.

A test module needs Odoo when it lives in `addons/<addon>/tests/` (Odoo tests, run by
pytest-odoo against the database that setup/test prepares) or under `tests/e2e/`
(scenarios against a running Odoo). Every other test module under `tests/` must pass
without Odoo.

setup/test sets MFG_NO_ODOO=1 (and runs pytest with `-p no:odoo`) where python3
cannot import Odoo 18.0. Then this file:
- leaves the modules that need Odoo uncollected and counts them;
- makes `import odoo` fail, so a forced run (MFG_FORCE_NO_ODOO=1 on a machine that
  has Odoo) behaves as a machine without Odoo does;
- prints one line saying how many Odoo test modules were skipped and why;
- turns "no tests collected" into success only when the selection holds no test
  module that could have run without Odoo.

With Odoo (pytest-odoo active), a warning or error that Odoo logs while a test runs
fails that test, as the house style asks and as Odoo's own test runner does for errors.
Expected log lines are asserted with `self.assertLogs(...)` or silenced with
`odoo.tools.mute_logger(...)`; neither reaches this check. setup/test runs Odoo with
`--odoo-log-level=warn` so that warnings are emitted at all. MFG_ODOO_LOG_GUARD=0
turns the check off for one run.
"""

import fnmatch
import logging
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NO_ODOO = os.environ.get("MFG_NO_ODOO") == "1"
TEST_FILE_PATTERNS = ("test_*.py", "*_test.py")

_skipped_odoo_modules = set()
_plain_modules = set()


def needs_odoo(path):
    """True for a file or folder whose tests need Odoo (see the module docstring)."""
    try:
        parts = Path(path).resolve().relative_to(ROOT).parts
    except ValueError:
        return False
    if parts[:1] == ("addons",):
        return len(parts) >= 3 and parts[2] == "tests"
    return parts[:2] == ("tests", "e2e")


def _is_test_file(path):
    return any(fnmatch.fnmatch(path.name, pattern) for pattern in TEST_FILE_PATTERNS)


def _test_files(path):
    if path.is_file():
        return [path] if _is_test_file(path) else []
    return [
        found
        for pattern in TEST_FILE_PATTERNS
        for found in path.rglob(pattern)
        if "__pycache__" not in found.parts
    ]


class _OdooBlocker:
    """Meta path finder that refuses `odoo`: the run must not depend on it."""

    def find_spec(self, name, path=None, target=None):
        if name == "odoo" or name.startswith("odoo."):
            raise ModuleNotFoundError(
                f"No module named {name!r} (MFG_NO_ODOO=1: this run needs no Odoo)",
                name=name,
            )
        return None


if NO_ODOO:
    sys.meta_path.insert(0, _OdooBlocker())


def pytest_ignore_collect(collection_path, config):
    if not NO_ODOO or not needs_odoo(collection_path):
        return None
    _skipped_odoo_modules.update(_test_files(collection_path))
    return True


def pytest_collect_file(file_path, parent):
    if NO_ODOO and _is_test_file(file_path):
        _plain_modules.add(file_path)


def pytest_terminal_summary(terminalreporter):
    if NO_ODOO:
        reason = os.environ.get("MFG_NO_ODOO_REASON", "python3 cannot import Odoo 18.0")
        terminalreporter.write_line(
            f"SKIPPED {len(_skipped_odoo_modules)} Odoo test modules "
            f"(addons/*/tests/test_*.py, tests/e2e): {reason}"
            ' — see README "Prerequisites"'
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if (
        NO_ODOO
        and exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED
        and not _plain_modules
    ):
        session.exitstatus = pytest.ExitCode.OK


class _OdooLogGuard(logging.Handler):
    """Collects what the `odoo` loggers emit at WARNING or above during one test."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def lines(self):
        return [
            f"{record.levelname} {record.name}: {record.getMessage()}"
            for record in self.records
        ]


def _not_the_test_framework_import_error(record):
    # pytest-odoo imports odoo.tests before any test module turns test mode on, so
    # Odoo logs "Importing test framework, avoid importing from business modules"
    # (with a stack) at every start: a false alarm in a pytest run.
    return "avoid importing from business modules" not in str(record.msg)


if not NO_ODOO:
    logging.getLogger("odoo.tests.common").addFilter(
        _not_the_test_framework_import_error
    )


def pytest_configure(config):
    if (
        not NO_ODOO
        and os.environ.get("MFG_ODOO_LOG_GUARD", "1") != "0"
        and config.pluginmanager.has_plugin("odoo")
        and config.getoption("--odoo-database", None)
    ):
        config.pluginmanager.register(_OdooLogGuardPlugin(), "mfg-odoo-log-guard")


class _OdooLogGuardPlugin:
    """Judges the call phase: setUp, the test, tearDown and the HTTP requests they
    make. What setUpClass and the registry load log is not judged here."""

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        guard = item.stash[_GUARD_KEY] = _OdooLogGuard()
        logger = logging.getLogger("odoo")
        logger.addHandler(guard)
        try:
            yield
        finally:
            logger.removeHandler(guard)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        guard = item.stash.get(_GUARD_KEY, None)
        if report.when != "call" or guard is None or not guard.records:
            return
        lines = guard.lines()
        report.sections.append(("Odoo log (warnings and errors)", "\n".join(lines)))
        if report.passed:
            report.outcome = "failed"
            report.longrepr = (
                f"Odoo logged {len(lines)} warning(s)/error(s) during the test "
                "(assert them with assertLogs or silence them with mute_logger):\n"
                + "\n".join(lines)
            )


_GUARD_KEY = pytest.StashKey[_OdooLogGuard]()

"""setup/odoo_test_log.py: the verdict setup/test draws from a run of Odoo's own test
runner (README.md, "Tests"). No Odoo needed: the logs are shaped like the ones Odoo
18.0 writes (one record per line, a traceback under its record)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "setup" / "odoo_test_log.py"
STAMP = "2026-12-01 23:02:47,442 9064"


def _line(level, logger, text, db="mfg_x"):
    return f"{STAMP} {level} {db} {logger}: {text} \n"


def _report(failed, errors, run, level="INFO"):
    return _line(
        level,
        "odoo.tests.result",
        f"{failed} failed, {errors} error(s) of {run} tests when loading database "
        "'mfg_x'",
    )


PASSING = [
    _line("INFO", "odoo.modules.loading", "loading mfg_integration_base/views/a.xml"),
    _line("INFO", "odoo.addons.x.tests.test_a", "Starting TestA.test_one ..."),
    _line("INFO", "odoo.service.server", "37 post-tests in 230.90s, 7279 queries"),
    _report(0, 0, 136),
]


def _verdict(tmp_path, lines, addon="mfg_integration_base"):
    log = tmp_path / "odoo.log"
    log.write_text("".join(lines), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(log), addon],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_green_run_passes_and_counts_its_tests(tmp_path):
    result = _verdict(tmp_path, PASSING)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "mfg_integration_base: 136 tests, 0 failed, 0 errors (Odoo's runner)"
    ]


def test_a_failed_test_fails_the_run_with_its_traceback(tmp_path):
    lines = [
        *PASSING[:2],
        _line(
            "ERROR",
            "odoo.addons.x.tests.test_a",
            "FAIL: TestA.test_one",
        ),
        "Traceback (most recent call last):\n",
        '  File "test_a.py", line 76, in test_one\n',
        "AssertionError: 0 != 2\n",
        _report(1, 0, 136, level="ERROR"),
    ]
    result = _verdict(tmp_path, lines)
    assert result.returncode == 1
    out = result.stdout.splitlines()
    assert (
        out[0] == "mfg_integration_base: 136 tests, 1 failed, 0 errors (Odoo's runner)"
    )
    assert "  ERROR odoo.addons.x.tests.test_a: FAIL: TestA.test_one" in out
    assert "    AssertionError: 0 != 2" in out


def test_an_error_logged_outside_any_test_result_fails_the_run(tmp_path):
    # Odoo's own report stays green (0 failed): OCA's CI still fails on the line.
    lines = [
        *PASSING[:2],
        _line(
            "ERROR",
            "odoo.addons.mail.models.mail_mail",
            "failed sending mail (id: 99) due to no sender",
        ),
        PASSING[-1],
    ]
    result = _verdict(tmp_path, lines)
    assert result.returncode == 1
    assert "failed sending mail (id: 99)" in result.stdout


def test_a_warning_fails_the_run(tmp_path):
    lines = [
        *PASSING[:2],
        _line("WARNING", "odoo.models", "unknown field"),
        *PASSING[2:],
    ]
    result = _verdict(tmp_path, lines)
    assert result.returncode == 1
    assert "  WARNING odoo.models: unknown field" in result.stdout


def test_a_run_without_tests_or_without_report_fails(tmp_path):
    none_ran = _verdict(tmp_path, [*PASSING[:-1], _report(0, 0, 0, level="WARNING")])
    assert none_ran.returncode == 1
    assert "no test ran" in none_ran.stdout
    stopped = _verdict(tmp_path, PASSING[:-1])
    assert stopped.returncode == 1
    assert "no test report in the log" in stopped.stdout


def test_a_traceback_on_the_standard_error_fails_the_run(tmp_path):
    # A record the log file could not hold (a lone surrogate in its text) is
    # printed on the standard error by Python's logging, never in the log file.
    stderr = tmp_path / "odoo.log.stderr"
    stderr.write_text(
        "Running as user 'root' is a security risk.\n"
        "--- Logging error ---\n"
        "Traceback (most recent call last):\n"
        "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800'\n",
        encoding="utf-8",
    )
    log = tmp_path / "odoo.log"
    log.write_text("".join(PASSING), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(log), "base", str(stderr)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "  STDERR -: --- Logging error ---" in result.stdout
    assert "UnicodeEncodeError" in result.stdout
    stderr.write_text("Running as user 'root' is a security risk.\n", encoding="utf-8")
    clean = subprocess.run(
        [sys.executable, str(SCRIPT), str(log), "base", str(stderr)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout

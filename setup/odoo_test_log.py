"""Verdict on one run of Odoo's own test runner, read from its log file.

setup/test installs each addon with `--test-enable --test-tags /<addon>` (Odoo runs
the addon's at_install tests during its installation, its post_install tests after
it) and hands the log to this script:

    python3 setup/odoo_test_log.py LOGFILE ADDON [STDERR_FILE]

It prints one line, `ADDON: N tests, F failed, E errors (Odoo's runner)`, then every
problem line: a test that failed or errored (with its traceback), and, as OCA's CI
does (checklog), any other line Odoo logged at WARNING or above (a test that ends in
a warning passes in Odoo's report but would fail under the suite's pytest run too,
conftest.py). STDERR_FILE, what the run wrote on its standard error, counts too: a
traceback there (a record the log file could not hold, a test server's thread that
crashed) never reaches the log file. Exit code: 0 when N > 0, F = E = 0 and no such
line; else 1.
"""

import re
import sys

# "2026-12-01 23:02:47,442 9064 ERROR dbname odoo.tests.x: text"
RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ "
    r"(?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<text>.*)$"
)
# Odoo's closing report: "2 failed, 1 error(s) of 99 tests when loading database 'x'"
REPORT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests "
    r"when loading database"
)
PROBLEM_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
# lines of a traceback shown under a problem
CONTEXT_LINES = 40
# what Python prints on the standard error when a traceback escapes: a log record
# that could not be written, an exception in a thread or a socketserver handler
STDERR_PROBLEMS = ("Traceback (most recent call last)", "--- Logging error ---")


def read_records(lines):
    """(level, logger, text, continuation lines) of each log record."""
    records = []
    for line in lines:
        line = line.rstrip("\n")
        match = RECORD.match(line)
        if match:
            records.append(
                (match["level"], match["logger"], match["text"].rstrip(), [])
            )
        elif records:
            records[-1][3].append(line)
    return records


def stderr_problems(lines):
    """(first line, following lines) of each traceback in ``lines``."""
    lines = [line.rstrip("\n") for line in lines]
    found = []
    for index, line in enumerate(lines):
        if line.startswith(STDERR_PROBLEMS):
            found.append((line, lines[index + 1 : index + 1 + CONTEXT_LINES]))
    return found


def verdict(lines, addon, stderr=()):
    """(exit code, report lines) for the log ``lines`` of ``addon``'s run and
    what it wrote on its standard error (``stderr`` lines)."""
    records = read_records(lines)
    report = None
    problems = []
    for level, logger, text, more in records:
        found = REPORT.search(text)
        if found and logger == "odoo.tests.result":
            report = found
            # its level says nothing more than its numbers
            continue
        if level in PROBLEM_LEVELS:
            problems.append((level, logger, text, more))
    for first, more in stderr_problems(stderr):
        problems.append(("STDERR", "-", first, more))
    if report is None:
        head = f"{addon}: no test report in the log (the run stopped early)"
        code = 1
    else:
        run, failed, errors = (int(report[k]) for k in ("run", "failed", "errors"))
        head = f"{addon}: {run} tests, {failed} failed, {errors} errors (Odoo's runner)"
        code = 1 if (failed or errors or not run or problems) else 0
        if not run:
            head += ": no test ran"
    out = [head]
    if problems:
        out.append(
            f"{addon}: {len(problems)} line(s) logged at WARNING or above, "
            "or tracebacks on the standard error:"
        )
    for level, logger, text, more in problems:
        out.append(f"  {level} {logger}: {text}")
        if level != "WARNING":
            out.extend(f"    {line}" for line in more[:CONTEXT_LINES])
    return (1 if problems else code), out


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: odoo_test_log.py LOGFILE ADDON [STDERR_FILE]", file=sys.stderr)
        return 2
    stderr = []
    if len(argv) == 4:
        with open(argv[3], encoding="utf-8", errors="replace") as err:
            stderr = err.readlines()
    with open(argv[1], encoding="utf-8", errors="replace") as log:
        code, out = verdict(log, argv[2], stderr)
    print("\n".join(out))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))

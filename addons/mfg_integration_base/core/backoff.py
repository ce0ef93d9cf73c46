"""Retry timing: exponential backoff, delivery schedules, Retry-After."""

import math
import random
import re
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

# Standard Webhooks' schedule: immediately, then after each failed attempt.
STANDARD_WEBHOOKS_SCHEDULE = "0, 5s, 5m, 30m, 2h, 5h, 10h, 14h, 20h, 24h"
# Jitter added to a scheduled delay: up to this fraction later, never earlier.
SCHEDULE_JITTER = 0.1
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
STEP_RE = re.compile(r"^(\d{1,6})\s*([smhd]?)$")


class ScheduleError(ValueError):
    """A delivery schedule that cannot be read; the message names the step."""


def retry_delay(attempt, base=10, cap=3600, rng=random.random):
    """Seconds to wait before retry number ``attempt`` (1-based).

    Full jitter: uniform in [base/2 * 2**(attempt-1), base * 2**(attempt-1)],
    capped at ``cap``; never below one second.
    """
    attempt = max(1, int(attempt))
    # 2**attempt overflows nothing in Python, but keep the product small.
    ceiling = min(cap, base * (2 ** min(attempt - 1, 62)))
    floor = ceiling / 2
    return max(1.0, floor + (ceiling - floor) * rng())


def parse_schedule(text):
    """``"0, 5s, 5m, 2h"`` → ``[0, 5, 300, 7200]``: the wait before each attempt,
    the first one included (``0`` is "immediately")."""
    steps = [step.strip().lower() for step in (text or "").split(",")]
    if not steps or steps == [""]:
        raise ScheduleError("The delivery schedule is empty.")
    delays = []
    for position, step in enumerate(steps, start=1):
        match = STEP_RE.match(step)
        if not match:
            raise ScheduleError(
                f"Step {position} of the delivery schedule, {step!r}, is not a "
                "number of seconds, or a number followed by s, m, h or d."
            )
        delays.append(int(match.group(1)) * UNIT_SECONDS[match.group(2)])
    return delays


def schedule_delay(delays, attempts, rng=random.random):
    """Seconds to wait after ``attempts`` failed attempts, jittered, or None when
    the schedule has no attempt left."""
    if attempts >= len(delays):
        return None
    delay = delays[attempts]
    return delay + delay * SCHEDULE_JITTER * rng()


def parse_retry_after(value, now=None, cap=None):
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), or None.

    The answer is finite and at most ``cap`` when one is given: a receiver
    cannot push a retry years away (or past what a datetime can hold)."""
    if not value:
        return None
    value = value.strip()[:64]
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        now = time.time() if now is None else now
        try:
            seconds = max(0.0, when.timestamp() - now)
        except (OverflowError, ValueError, OSError):
            return None
    if not math.isfinite(seconds):
        return None
    return min(seconds, cap) if cap is not None else seconds


def ceil_to_second(moment):
    """``moment`` rounded up to a whole second: Odoo's ``Datetime.now()`` has no
    fractions, so a due time with them would not be due when its job runs."""
    if moment.microsecond:
        return moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment

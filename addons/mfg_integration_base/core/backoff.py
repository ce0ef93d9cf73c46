"""Exponential backoff with full jitter for retries."""

import random


def retry_delay(attempt, base=10, cap=3600, rng=random.random):
    """Seconds to wait before retry number ``attempt`` (1-based).

    Full jitter: uniform in [base/2 * 2**(attempt-1), base * 2**(attempt-1)],
    capped at ``cap``; never below one second.
    """
    attempt = max(1, int(attempt))
    ceiling = min(cap, base * (2 ** (attempt - 1)))
    floor = ceiling / 2
    return max(1.0, floor + (ceiling - floor) * rng())


def parse_retry_after(value, now=None):
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    import time

    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)

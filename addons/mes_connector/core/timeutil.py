# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Date-time helpers: the MES speaks ISO 8601, Odoo stores naive UTC."""

import datetime

from .exceptions import InvalidTimestampError


def parse_datetime(value, field="timestamp"):
    """ISO 8601 string -> naive UTC ``datetime`` without microseconds.

    A value without offset is taken as UTC. ``Z`` is accepted.
    """
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        if not isinstance(value, str) or not value:
            raise InvalidTimestampError(f"{field}: a date-time is required")
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidTimestampError(
                f"{field}: {value!r} is not an ISO 8601 date-time"
            ) from exc
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(datetime.UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def format_datetime(value):
    """Naive UTC ``datetime`` (or False/None) -> ``YYYY-MM-DDTHH:MM:SSZ`` or None."""
    if not value:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"

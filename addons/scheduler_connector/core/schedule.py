# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parse a canonical ``scheduler.schedule.published`` payload (pure python).

The payload has been validated against its JSON Schema already; this turns it
into typed values. A line whose dates cannot be read keeps ``None`` there and
is refused by the rules (one bad line never sinks the whole schedule).
"""

from dataclasses import dataclass
from datetime import datetime

from .rules import Assignment, parse_datetime


class ScheduleParseError(ValueError):
    """The schedule header itself cannot be read."""

    #: the engine's error kind (mfg_integration_base.exceptions.core_errors)
    error_kind = "validation"


@dataclass(frozen=True)
class ScheduleHeader:
    schedule_id: str
    version: int
    generated_at: datetime


def _optional_datetime(value):
    try:
        return parse_datetime(value)
    except (TypeError, ValueError):
        return None


def parse_header(payload):
    try:
        generated_at = parse_datetime(payload.get("generated_at"))
    except (TypeError, ValueError) as err:
        raise ScheduleParseError(f"generated_at: {err}") from err
    schedule_id = str(payload.get("schedule_id") or "").strip()
    if not schedule_id:
        raise ScheduleParseError("schedule_id: missing")
    version = payload.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ScheduleParseError(f"version: not a positive integer: {version!r}")
    return ScheduleHeader(schedule_id, version, generated_at)


def parse_assignments(payload):
    result = []
    for index, line in enumerate(payload.get("assignments") or []):
        result.append(
            Assignment(
                index=index,
                mo=str(line.get("mo") or "").strip(),
                workorder=str(line.get("workorder") or "").strip(),
                workcenter=(str(line.get("workcenter")).strip() or None)
                if line.get("workcenter")
                else None,
                start=_optional_datetime(line.get("start")),
                end=_optional_datetime(line.get("end")),
                sequence=line.get("sequence"),
            )
        )
    return result


def parse_schedule(payload):
    """-> (ScheduleHeader, [Assignment])"""
    return parse_header(payload), parse_assignments(payload)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A naive forward planner for the scheduler simulator.

It reads Odoo's ``scheduler.snapshot`` and plans every open work order forward,
order by order (priority, deadline), one work order after the other, each on its
work center's working intervals (the calendar Odoo sent), never before the end
of the frozen window. It is naive on purpose: it re-plans frozen orders too, so
that Odoo's frozen-order protection has something to refuse.
"""

from datetime import UTC, datetime, timedelta

OPEN_STATES = {"pending", "waiting", "ready", "progress"}
FAR_FUTURE = datetime(9999, 1, 1)


def parse(value):
    """ISO 8601 (``Z`` or offset) -> naive UTC datetime; None stays None."""
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    if dt.tzinfo:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def fmt(dt):
    return dt.replace(microsecond=0).isoformat() + "Z"


def allocate(intervals, ready, minutes):
    """(start, end) of ``minutes`` of work from ``ready`` on, inside the sorted
    working ``intervals`` [(start, end)]; past the last interval (or with none)
    time counts around the clock."""
    remaining = timedelta(minutes=max(minutes, 1.0))
    start = None
    cursor = ready
    for begin, end in intervals:
        if end <= cursor:
            continue
        cursor = max(cursor, begin)
        if start is None:
            start = cursor
        available = end - cursor
        if available >= remaining:
            return start, cursor + remaining
        remaining -= available
        cursor = end
    if start is None:
        start = cursor
    return start, cursor + remaining


def _order_key(order):
    return (
        -int(order.get("priority") or 0),
        parse(order.get("deadline")) or FAR_FUTURE,
        parse(order.get("planned_start")) or FAR_FUTURE,
        order["mo"],
    )


def plan(snapshot, not_before=None):
    """Assignments of a ``scheduler.schedule.published`` payload."""
    earliest = max(
        filter(
            None,
            (
                parse(snapshot["horizon"]["start"]),
                parse(snapshot["frozen_window"]["until"]),
                not_before,
            ),
        )
    )
    # the next full quarter of an hour: plans read better so
    earliest = earliest.replace(second=0, microsecond=0)
    earliest += timedelta(minutes=(-earliest.minute) % 15)
    calendars = {
        wc["code"]: sorted(
            (parse(i["start"]), parse(i["end"])) for i in wc["working_intervals"]
        )
        for wc in snapshot["work_centers"]
    }
    free = {}
    assignments = []
    for order in sorted(snapshot["orders"], key=_order_key):
        ends = {}
        for wo in sorted(order["work_orders"], key=lambda w: (w["sequence"], w["ref"])):
            if wo["state"] not in OPEN_STATES:
                continue
            wc = wo["work_center"]
            ready = max(
                [earliest, free.get(wc, earliest)]
                + [ends[ref] for ref in wo.get("depends_on") or () if ref in ends]
                + ([max(ends.values())] if ends else [])
            )
            start, end = allocate(
                calendars.get(wc, []), ready, wo["expected_duration_minutes"]
            )
            free[wc] = end
            ends[wo["ref"]] = end
            assignments.append(
                {
                    "mo": order["mo"],
                    "workorder": wo["ref"],
                    "workcenter": wc,
                    "start": fmt(start),
                    "end": fmt(end),
                    "sequence": len(assignments) + 1,
                }
            )
    return assignments


def schedule_payload(snapshot, schedule_id, version, now=None):
    """The published schedule for one snapshot."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return {
        "schema_version": "1.0",
        "schedule_id": schedule_id,
        "version": version,
        "generated_at": fmt(now),
        "assignments": plan(snapshot),
    }

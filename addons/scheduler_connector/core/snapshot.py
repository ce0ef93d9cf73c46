# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pieces of the snapshot sent to the scheduler (pure python).

The Odoo side reads records; these functions shape what it read into the
canonical payload of ``scheduler.snapshot`` and ``scheduler.order.changed``.
"""

from datetime import timedelta

from .rules import format_datetime, frozen_until, is_frozen

DEFAULT_HORIZON_DAYS = 14
DEFAULT_FROZEN_HOURS = 24


def horizon(now, days):
    """(start, end) of the planning horizon: from now, ``days`` days ahead."""
    days = days if days and days > 0 else DEFAULT_HORIZON_DAYS
    return now, now + timedelta(days=days)


def workcenter_key(code, name):
    """The key the scheduler knows a work center by: its code, else its name."""
    return (code or "").strip() or (name or "").strip()


def workorder_refs(items):
    """Stable, id-free references of the work orders of one MO.

    ``items``: iterable of ``(key, name)`` already in the MO's order
    (sequence, id). The reference is the operation name; names that repeat get
    `` [2]``, `` [3]``... in order. Returns ``{key: ref}``.
    """
    items = list(items)
    totals = {}
    for _key, name in items:
        totals[name] = totals.get(name, 0) + 1
    seen = {}
    refs = {}
    for key, name in items:
        seen[name] = seen.get(name, 0) + 1
        refs[key] = name if totals[name] == 1 else f"{name} [{seen[name]}]"
    return refs


def merge_intervals(intervals):
    """Sort and merge overlapping/adjacent (start, end) datetimes; drop empty ones."""
    cleaned = sorted((s, e) for s, e in intervals if s and e and e > s)
    merged = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intervals_payload(intervals):
    """Merged intervals as ``[{"start": iso, "end": iso}]``."""
    return [
        {"start": format_datetime(s), "end": format_datetime(e)}
        for s, e in merge_intervals(intervals)
    ]


def component_readiness(required_qty, forecast_qty, expected_date, now, precision=1e-6):
    """(available_now, availability_date) of one component.

    ``forecast_qty``: what the stock forecast says can be used for this move;
    ``expected_date``: when the missing quantity is expected (None if unknown).
    """
    if forecast_qty + precision >= required_qty and (
        not expected_date or expected_date <= now
    ):
        return True, now
    if expected_date:
        return False, expected_date
    if forecast_qty + precision >= required_qty:
        return True, now
    return False, None


def material_readiness(components, now):
    """Readiness of an MO from its components' ``(available_now, date)``.

    Returns ``(state, ready_date)`` where state is ``available`` (all there
    now), ``expected`` (all have a date), ``unavailable`` (one has no date)
    and ready_date the latest component date (None when unavailable).
    """
    components = list(components)
    if not components or all(ok for ok, _d in components):
        return "available", now
    if any(d is None for _ok, d in components):
        return "unavailable", None
    return "expected", max(d for _ok, d in components)


def order_frozen(starts, now, frozen_hours):
    """An MO is frozen when one of its (not closed) work orders is, or, without
    work orders, when its own start is."""
    return any(is_frozen(s, now, frozen_hours) for s in starts)


def snapshot_header(now, horizon_days, frozen_hours, company_name, snapshot_id):
    start, end = horizon(now, horizon_days)
    return {
        "snapshot_id": snapshot_id,
        "generated_at": format_datetime(now),
        "company": company_name,
        "horizon": {
            "start": format_datetime(start),
            "end": format_datetime(end),
            "days": horizon_days or DEFAULT_HORIZON_DAYS,
        },
        "frozen_window": {
            "hours": frozen_hours or 0,
            "until": format_datetime(frozen_until(now, frozen_hours)),
        },
    }

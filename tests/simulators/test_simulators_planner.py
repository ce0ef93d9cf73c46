# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The scheduler simulator's naive forward planner."""

from datetime import datetime, timedelta

from simulators import planner

MONDAY = datetime(2026, 11, 23, 6, 0)


def _calendar(days=5):
    """08:00-12:00 and 13:00-17:00, Monday to Friday, in UTC."""
    intervals = []
    for day in range(days):
        d = MONDAY.replace(hour=0) + timedelta(days=day)
        for start, end in ((8, 12), (13, 17)):
            intervals.append(
                {
                    "start": planner.fmt(d.replace(hour=start)),
                    "end": planner.fmt(d.replace(hour=end)),
                }
            )
    return intervals


def _wo(ref, wc, minutes, sequence, state="ready", depends_on=()):
    return {
        "ref": ref,
        "name": ref,
        "sequence": sequence,
        "work_center": wc,
        "expected_duration_minutes": minutes,
        "state": state,
        "depends_on": list(depends_on),
        "frozen": False,
        "started": False,
    }


def _snapshot(orders, frozen_until=MONDAY):
    return {
        "horizon": {
            "start": planner.fmt(MONDAY),
            "end": planner.fmt(MONDAY + timedelta(days=14)),
            "days": 14,
        },
        "frozen_window": {"hours": 0, "until": planner.fmt(frozen_until)},
        "work_centers": [
            {"code": "MACH", "working_intervals": _calendar()},
            {"code": "ASM", "working_intervals": _calendar()},
        ],
        "orders": orders,
    }


def _order(mo, priority="0", deadline=None, wos=()):
    return {
        "mo": mo,
        "priority": priority,
        "deadline": deadline,
        "planned_start": None,
        "work_orders": list(wos),
    }


def test_allocate_spans_breaks_and_nights():
    cal = [(planner.parse(i["start"]), planner.parse(i["end"])) for i in _calendar()]
    start, end = planner.allocate(cal, datetime(2026, 11, 23, 11, 0), 120)
    assert (start, end) == (
        datetime(2026, 11, 23, 11, 0),
        datetime(2026, 11, 23, 14, 0),
    )
    start, end = planner.allocate(cal, datetime(2026, 11, 23, 16, 30), 60)
    assert (start, end) == (
        datetime(2026, 11, 23, 16, 30),
        datetime(2026, 11, 24, 8, 30),
    )
    # before the first working hour: starts at 08:00
    assert planner.allocate(cal, MONDAY, 30)[0] == datetime(2026, 11, 23, 8, 0)
    # no calendar: around the clock
    assert planner.allocate([], MONDAY, 90) == (MONDAY, MONDAY + timedelta(minutes=90))


def test_orders_go_forward_one_work_order_after_the_other_per_work_center():
    snapshot = _snapshot(
        [
            _order(
                "MO/2",
                deadline="2026-11-30T00:00:00Z",
                wos=[_wo("MO/2-10", "MACH", 60, 10), _wo("MO/2-20", "ASM", 30, 20)],
            ),
            _order(
                "MO/1",
                priority="1",
                wos=[_wo("MO/1-10", "MACH", 90, 10), _wo("MO/1-20", "ASM", 30, 20)],
            ),
            _order("MO/3", wos=[_wo("MO/3-10", "MACH", 30, 10, state="done")]),
        ]
    )
    plan = {
        (a["mo"], a["workorder"]): (a["start"], a["end"])
        for a in planner.plan(snapshot)
    }
    # urgent MO/1 first; MO/2 waits for the machine; done work is left out
    assert plan == {
        ("MO/1", "MO/1-10"): ("2026-11-23T08:00:00Z", "2026-11-23T09:30:00Z"),
        ("MO/1", "MO/1-20"): ("2026-11-23T09:30:00Z", "2026-11-23T10:00:00Z"),
        ("MO/2", "MO/2-10"): ("2026-11-23T09:30:00Z", "2026-11-23T10:30:00Z"),
        ("MO/2", "MO/2-20"): ("2026-11-23T10:30:00Z", "2026-11-23T11:00:00Z"),
    }


def test_nothing_is_planned_inside_the_frozen_window_but_frozen_orders_are_replanned():
    frozen_until = datetime(2026, 11, 23, 10, 7)
    snapshot = _snapshot(
        [_order("MO/1", wos=[_wo("MO/1-10", "MACH", 30, 10)])],
        frozen_until=frozen_until,
    )
    snapshot["orders"][0]["work_orders"][0]["frozen"] = True
    (assignment,) = planner.plan(snapshot)
    assert assignment["start"] == "2026-11-23T10:15:00Z"  # next quarter after 10:07
    payload = planner.schedule_payload(snapshot, "S-1", 3, now=MONDAY)
    assert payload["version"] == 3 and payload["generated_at"] == "2026-11-23T06:00:00Z"
    assert payload["assignments"][0]["sequence"] == 1

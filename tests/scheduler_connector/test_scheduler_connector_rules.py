"""Unit tests of scheduler_connector/core (no database, no odoo)."""

import importlib
import importlib.util
import os
import sys
from datetime import datetime, timedelta

import pytest

CORE_DIR = os.path.join(
    os.path.dirname(__file__), "..", "..", "addons", "scheduler_connector", "core"
)
PKG = "scheduler_connector_core"


def _load_core():
    if PKG not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PKG,
            os.path.join(CORE_DIR, "__init__.py"),
            submodule_search_locations=[CORE_DIR],
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[PKG] = module
        spec.loader.exec_module(module)
    return importlib.import_module(PKG + ".rules"), importlib.import_module(
        PKG + ".schedule"
    )


rules, schedule = _load_core()

NOW = datetime(2026, 11, 23, 8, 0, 0)
GEN = NOW - timedelta(minutes=30)


def _state(**kw):
    vals = {
        "key": 1,
        "state": "ready",
        "production_state": "confirmed",
        "started": False,
        "date_start": NOW + timedelta(days=2),
        "date_finished": NOW + timedelta(days=2, hours=1),
        "workcenter": "WC-A",
        "allowed_workcenters": frozenset({"WC-A", "WC-B"}),
        "write_date": NOW - timedelta(hours=2),
        "production_write_date": NOW - timedelta(hours=2),
    }
    vals.update(kw)
    return rules.WorkorderState(**vals)


def _assign(**kw):
    vals = {
        "index": 0,
        "mo": "MO/1",
        "workorder": "Cut",
        "workcenter": "WC-A",
        "start": NOW + timedelta(days=3),
        "end": NOW + timedelta(days=3, hours=2),
    }
    vals.update(kw)
    return rules.Assignment(**vals)


def _decide(assignment, state, frozen_hours=24, duplicate=False):
    return rules.decide(
        assignment,
        state,
        generated_at=GEN,
        now=NOW,
        frozen_hours=frozen_hours,
        duplicate=duplicate,
    )


def test_applied():
    d = _decide(_assign(), _state())
    assert d.outcome == rules.APPLIED
    assert d.kind == "applied"
    assert d.params["workcenter"] == "WC-A"


def test_applied_on_alternative_workcenter():
    assert _decide(_assign(workcenter="WC-B"), _state()).outcome == rules.APPLIED


def test_no_workcenter_keeps_own():
    d = _decide(_assign(workcenter=None), _state())
    assert d.outcome == rules.APPLIED
    assert d.params["workcenter"] == "WC-A"


@pytest.mark.parametrize("state", ["done", "cancel"])
def test_closed_workorder_ignored(state):
    d = _decide(_assign(), _state(state=state))
    assert d.outcome == rules.IGNORED_CLOSED
    assert d.kind == "ignored"
    assert d.kind != "refused"


@pytest.mark.parametrize("state", ["done", "cancel"])
def test_closed_production_ignored(state):
    assert _decide(_assign(), _state(production_state=state)).outcome == (
        rules.IGNORED_CLOSED
    )


def test_in_progress_never_moved():
    d = _decide(_assign(), _state(state="progress", started=True))
    assert d.outcome == rules.REFUSED_STARTED
    assert d.kind == "refused"


def test_partly_done_never_moved():
    # time logged or quantity produced, state still ready
    assert _decide(_assign(), _state(started=True)).outcome == rules.REFUSED_STARTED


def test_started_but_unchanged_is_not_a_conflict():
    s = _state(state="progress", started=True)
    d = _decide(_assign(start=s.date_start, end=s.date_finished), s)
    assert d.outcome == rules.UNCHANGED
    assert d.kind != "refused"


def test_unchanged_ignores_microseconds():
    s = _state()
    a = _assign(
        start=s.date_start.replace(microsecond=500),
        end=s.date_finished,
    )
    assert _decide(a, s).outcome == rules.UNCHANGED


def test_current_start_inside_frozen_window():
    s = _state(
        date_start=NOW + timedelta(hours=5), date_finished=NOW + timedelta(hours=6)
    )
    d = _decide(_assign(), s)
    assert d.outcome == rules.REFUSED_FROZEN
    assert d.params["frozen_until"] == "2026-11-24T08:00:00Z"


def test_new_start_inside_frozen_window():
    a = _assign(start=NOW + timedelta(hours=3), end=NOW + timedelta(hours=4))
    assert _decide(a, _state()).outcome == rules.REFUSED_FROZEN


def test_new_start_in_the_past_is_frozen():
    a = _assign(start=NOW - timedelta(hours=3), end=NOW - timedelta(hours=1))
    assert _decide(a, _state()).outcome == rules.REFUSED_FROZEN


def test_just_after_frozen_window_applies():
    a = _assign(start=NOW + timedelta(hours=24), end=NOW + timedelta(hours=25))
    assert _decide(a, _state()).outcome == rules.APPLIED


def test_no_frozen_window_configured():
    a = _assign(start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=2))
    assert _decide(a, _state(), frozen_hours=0).outcome == rules.APPLIED


def test_unplanned_workorder_of_an_unplanned_mo_not_frozen():
    s = _state(date_start=None, date_finished=None)
    assert _decide(_assign(), s).outcome == rules.APPLIED


def test_unplanned_workorder_takes_its_mos_start():
    s = _state(
        date_start=None,
        date_finished=None,
        production_date_start=NOW + timedelta(hours=5),
    )
    d = _decide(_assign(), s)
    assert d.outcome == rules.REFUSED_FROZEN
    assert d.params["current_start"] == "2026-11-23T13:00:00Z"


def test_planned_workorder_keeps_its_own_start():
    s = _state(production_date_start=NOW + timedelta(hours=5))
    assert _decide(_assign(), s).outcome == rules.APPLIED


def test_stale_workorder():
    s = _state(write_date=GEN + timedelta(minutes=1))
    d = _decide(_assign(), s)
    assert d.outcome == rules.REFUSED_STALE
    assert d.params["generated_at"] == rules.format_datetime(GEN)


def test_stale_production():
    s = _state(production_write_date=GEN + timedelta(seconds=1))
    assert _decide(_assign(), s).outcome == rules.REFUSED_STALE


def test_changed_exactly_at_generated_at_is_not_stale():
    s = _state(write_date=GEN, production_write_date=GEN)
    assert _decide(_assign(), s).outcome == rules.APPLIED


def test_foreign_workcenter_refused():
    d = _decide(_assign(workcenter="WC-Z"), _state())
    assert d.outcome == rules.REFUSED_WORKCENTER
    assert d.params["allowed"] == "WC-A, WC-B"


def test_end_before_start_refused():
    a = _assign(start=NOW + timedelta(days=3), end=NOW + timedelta(days=2))
    assert _decide(a, _state()).outcome == rules.REFUSED_DATES


def test_unreadable_date_refused():
    assert _decide(_assign(start=None), _state()).outcome == rules.REFUSED_DATES


def test_zero_length_allowed():
    t = NOW + timedelta(days=3)
    assert _decide(_assign(start=t, end=t), _state()).outcome == rules.APPLIED


def test_unknown_refused():
    assert _decide(_assign(), None).outcome == rules.REFUSED_UNKNOWN


def test_duplicate_refused():
    assert _decide(_assign(), _state(), duplicate=True).outcome == (
        rules.REFUSED_DUPLICATE
    )


def test_evaluate_decides_before_writing_and_flags_duplicates():
    states = {("MO/1", "Cut"): _state(), ("MO/1", "Weld"): _state(key=2)}
    lines = [
        _assign(index=0),
        _assign(index=1, workorder="Weld"),
        _assign(index=2),
        _assign(index=3, mo="MO/404"),
    ]
    decisions = rules.evaluate(
        lines, states, generated_at=GEN, now=NOW, frozen_hours=24
    )
    assert [d.outcome for d in decisions] == [
        rules.APPLIED,
        rules.APPLIED,
        rules.REFUSED_DUPLICATE,
        rules.REFUSED_UNKNOWN,
    ]
    assert rules.summarize(decisions) == {
        "applied": 2,
        "unchanged": 0,
        "ignored": 0,
        "refused": 2,
    }


def test_superseded():
    assert rules.is_superseded(3, 4)
    assert rules.is_superseded(4, 4)
    assert not rules.is_superseded(5, 4)
    assert not rules.is_superseded(1, None)


def test_schedule_state():
    base = {"applied": 0, "unchanged": 0, "ignored": 0, "refused": 0}
    assert rules.schedule_state(base) == "empty"
    assert rules.schedule_state(dict(base, applied=2)) == "applied"
    assert rules.schedule_state(dict(base, applied=2, refused=1)) == "partial"
    assert rules.schedule_state(dict(base, refused=1)) == "refused"
    assert rules.schedule_state(dict(base, applied=1), superseded=True) == "superseded"


def test_production_dates_follow_workorders():
    a = (NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    b = (NOW, NOW + timedelta(hours=5))
    assert rules.production_dates([a, b, (None, None)]) == (b[0], b[1])
    assert rules.production_dates([]) == (None, None)


def test_parse_datetime():
    assert rules.parse_datetime("2026-11-23T09:00:00+01:00") == datetime(
        2026, 11, 23, 8
    )
    assert rules.parse_datetime("2026-11-23T08:00:00Z") == datetime(2026, 11, 23, 8)
    assert rules.parse_datetime("2026-11-23T08:00:00") == datetime(2026, 11, 23, 8)
    for bad in ("", None, "tomorrow", 12):
        with pytest.raises(ValueError):
            rules.parse_datetime(bad)


def test_parse_schedule():
    header, lines = schedule.parse_schedule(
        {
            "schedule_id": "S-1",
            "version": 2,
            "generated_at": "2026-11-23T07:30:00Z",
            "assignments": [
                {
                    "mo": "MO/1",
                    "workorder": "Cut",
                    "start": "2026-11-25T08:00:00Z",
                    "end": "2026-11-25T09:00:00Z",
                    "workcenter": "WC-A",
                },
                {
                    "mo": "MO/1",
                    "workorder": "Weld",
                    "start": "garbage",
                    "end": "2026-11-25T09:00:00Z",
                },
            ],
        }
    )
    assert header == schedule.ScheduleHeader("S-1", 2, GEN)
    assert lines[0].workcenter == "WC-A"
    assert lines[1].workcenter is None
    assert lines[1].start is None


@pytest.mark.parametrize(
    "payload",
    [
        {"schedule_id": "", "version": 1, "generated_at": "2026-11-23T07:30:00Z"},
        {"schedule_id": "S", "version": 0, "generated_at": "2026-11-23T07:30:00Z"},
        {"schedule_id": "S", "version": True, "generated_at": "2026-11-23T07:30:00Z"},
        {"schedule_id": "S", "version": 1, "generated_at": "soon"},
    ],
)
def test_parse_header_errors(payload):
    with pytest.raises(schedule.ScheduleParseError):
        schedule.parse_header(payload)

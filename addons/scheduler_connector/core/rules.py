# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Apply rules of a published schedule.

Pure python: the Odoo side reads the current state of the work orders into
:class:`WorkorderState` objects (one query, before anything is written), the
rules below decide one :class:`Decision` per assignment, and only then does the
Odoo side write what was decided. Deciding everything before writing matters:
applying line 1 bumps the MO's ``write_date`` and must not make line 2 of the
same MO look stale.

All datetimes are naive UTC, like Odoo stores them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

APPLIED = "applied"
UNCHANGED = "unchanged"
IGNORED_CLOSED = "ignored_closed"
REFUSED_STARTED = "refused_started"
REFUSED_FROZEN = "refused_frozen"
REFUSED_STALE = "refused_stale"
REFUSED_WORKCENTER = "refused_workcenter"
REFUSED_DATES = "refused_dates"
REFUSED_UNKNOWN = "refused_unknown"
REFUSED_DUPLICATE = "refused_duplicate"
SUPERSEDED = "superseded"

# outcome -> (kind, label); kind is one of applied / unchanged / ignored / refused
OUTCOMES = {
    APPLIED: ("applied", "Applied"),
    UNCHANGED: ("unchanged", "Unchanged"),
    IGNORED_CLOSED: ("ignored", "Ignored: done or cancelled"),
    SUPERSEDED: ("ignored", "Ignored: older schedule version"),
    REFUSED_STARTED: ("refused", "Refused: work already started"),
    REFUSED_FROZEN: ("refused", "Refused: frozen window"),
    REFUSED_STALE: ("refused", "Refused: changed in Odoo after the schedule"),
    REFUSED_WORKCENTER: ("refused", "Refused: work center not allowed"),
    REFUSED_DATES: ("refused", "Refused: end before start"),
    REFUSED_UNKNOWN: ("refused", "Refused: unknown order or work order"),
    REFUSED_DUPLICATE: ("refused", "Refused: work order assigned twice"),
}

CLOSED_STATES = frozenset({"done", "cancel"})
STARTED_STATES = frozenset({"progress"})


@dataclass(frozen=True)
class Assignment:
    """One line of a published schedule, as parsed from the payload."""

    index: int
    mo: str
    workorder: str
    workcenter: str | None
    start: datetime | None
    end: datetime | None
    sequence: int | None = None


@dataclass(frozen=True)
class WorkorderState:
    """What Odoo knows of one work order before the schedule is applied.

    ``key`` is opaque to the rules (the Odoo side puts the record id there).
    ``allowed_workcenters``: the codes of the work order's own work center and
    of its alternatives.
    """

    key: object
    state: str
    production_state: str
    started: bool
    date_start: datetime | None
    date_finished: datetime | None
    workcenter: str
    allowed_workcenters: frozenset
    write_date: datetime | None
    production_write_date: datetime | None
    production_date_start: datetime | None = None

    @property
    def frozen_start(self):
        """The start the frozen window reads (see :func:`frozen_start`)."""
        return frozen_start(self.date_start, self.production_date_start)


@dataclass(frozen=True)
class Decision:
    outcome: str
    params: dict

    @property
    def kind(self):
        return OUTCOMES[self.outcome][0]


def parse_datetime(value):
    """ISO 8601 string (``Z`` or offset; naive means UTC) -> naive UTC datetime.

    Raise ``ValueError`` on anything else.
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str) and value:
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        dt = datetime.fromisoformat(text)
    else:
        raise ValueError(f"not a date-time: {value!r}")
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt


def format_datetime(dt):
    """naive UTC datetime -> ``2026-11-23T08:00:00Z`` (None stays None)."""
    if not dt:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    return dt.replace(microsecond=0).isoformat() + "Z"


def frozen_until(now, frozen_hours):
    """End of the frozen window that starts now."""
    return now + timedelta(hours=max(frozen_hours or 0, 0))


def frozen_start(workorder_start, production_start):
    """The start the frozen window reads for a work order: its own planned start,
    else its MO's (a confirmed MO whose work orders are not planned yet starts
    when the MO does)."""
    return workorder_start or production_start


def is_frozen(date_start, now, frozen_hours):
    """Work planned to start before the end of the frozen window is frozen.

    This includes work planned in the past that has not started: it has been
    released to the floor already. Work without any start is not frozen
    (pass :func:`frozen_start`, so that unplanned work takes its MO's start).
    """
    if not date_start or not frozen_hours or frozen_hours <= 0:
        return False
    return date_start < frozen_until(now, frozen_hours)


def is_superseded(version, latest_version):
    """An older (or the same) version arriving after a newer one applies to nothing."""
    return latest_version is not None and version <= latest_version


def _same_instant(a, b):
    if not a or not b:
        return a == b
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def decide(assignment, state, *, generated_at, now, frozen_hours, duplicate=False):
    """Decide what happens to one assignment.

    ``state`` is the :class:`WorkorderState` of the work order the assignment
    names, or ``None`` when the MO or the work order is unknown
    (``mo_known`` in the params then tells which one).
    The order of the checks is the order a planner reads the reasons in:
    bad line, unknown, closed, wrong work center, nothing to do, started,
    frozen, stale.
    """
    a = assignment
    base = {"mo": a.mo, "workorder": a.workorder, "workcenter": a.workcenter}
    if duplicate:
        return Decision(REFUSED_DUPLICATE, base)
    if a.start is None or a.end is None or a.end < a.start:
        return Decision(
            REFUSED_DATES,
            dict(base, start=format_datetime(a.start), end=format_datetime(a.end)),
        )
    if state is None:
        return Decision(REFUSED_UNKNOWN, base)
    if state.state in CLOSED_STATES or state.production_state in CLOSED_STATES:
        return Decision(IGNORED_CLOSED, dict(base, state=state.state))
    target_wc = a.workcenter or state.workcenter
    if target_wc not in state.allowed_workcenters:
        return Decision(
            REFUSED_WORKCENTER,
            dict(
                base,
                workcenter=target_wc,
                allowed=", ".join(sorted(state.allowed_workcenters)),
            ),
        )
    if (
        target_wc == state.workcenter
        and _same_instant(a.start, state.date_start)
        and _same_instant(a.end, state.date_finished)
    ):
        return Decision(UNCHANGED, base)
    if state.started or state.state in STARTED_STATES:
        return Decision(REFUSED_STARTED, dict(base, state=state.state))
    limit = frozen_until(now, frozen_hours)
    if is_frozen(state.frozen_start, now, frozen_hours) or is_frozen(
        a.start, now, frozen_hours
    ):
        return Decision(
            REFUSED_FROZEN,
            dict(
                base,
                frozen_until=format_datetime(limit),
                current_start=format_datetime(state.frozen_start),
                start=format_datetime(a.start),
            ),
        )
    changed = max(
        (d for d in (state.write_date, state.production_write_date) if d),
        default=None,
    )
    if changed and generated_at and changed > generated_at:
        return Decision(
            REFUSED_STALE,
            dict(
                base,
                changed_at=format_datetime(changed),
                generated_at=format_datetime(generated_at),
            ),
        )
    return Decision(APPLIED, dict(base, workcenter=target_wc))


def evaluate(assignments, states, *, generated_at, now, frozen_hours):
    """Decide every assignment of one schedule.

    ``states``: mapping ``(mo, workorder) -> WorkorderState`` of the work
    orders that exist (and are visible to the connector). Returns the list of
    decisions in the order of ``assignments``. A work order named twice is
    applied once (first line) and the repeats are refused.
    """
    seen = set()
    decisions = []
    for a in assignments:
        ref = (a.mo, a.workorder)
        decisions.append(
            decide(
                a,
                states.get(ref),
                generated_at=generated_at,
                now=now,
                frozen_hours=frozen_hours,
                duplicate=ref in seen,
            )
        )
        seen.add(ref)
    return decisions


def production_dates(intervals):
    """(start, end) of an MO that follows its work orders: the first start and
    the last end of the work orders that have dates; (None, None) if none."""
    starts = [s for s, _e in intervals if s]
    ends = [e for _s, e in intervals if e]
    return (min(starts) if starts else None, max(ends) if ends else None)


def summarize(decisions):
    """Counts per kind: {'applied': n, 'unchanged': n, 'ignored': n, 'refused': n}."""
    counts = {"applied": 0, "unchanged": 0, "ignored": 0, "refused": 0}
    for d in decisions:
        counts[d.kind] += 1
    return counts


def schedule_state(counts, superseded=False):
    """Overall state of a schedule from its line counts."""
    if superseded:
        return "superseded"
    total = sum(counts.values())
    if not total:
        return "empty"
    if counts["refused"] and not counts["applied"]:
        return "refused"
    if counts["refused"]:
        return "partial"
    return "applied"

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Work order execution as the MES reports it: states, transitions, lookup."""

from .exceptions import (
    AmbiguousWorkorderError,
    InvalidTransitionError,
    WorkorderNotFoundError,
)

IDLE = "idle"
RUNNING = "running"
PAUSED = "paused"
FINISHED = "finished"

STATES = (IDLE, RUNNING, PAUSED, FINISHED)

STARTED = "started"
PAUSE = "paused"
RESUMED = "resumed"
FINISH = "finished"

# (current MES state of the work order, event) -> (new state, action on time records)
# actions: "open" a time record at the event time, "close" the open one at the
# event time, "close_finish" close it (if any) and finish the work order.
TRANSITIONS = {
    (IDLE, STARTED): (RUNNING, "open"),
    (RUNNING, PAUSE): (PAUSED, "close"),
    (PAUSED, RESUMED): (RUNNING, "open"),
    (RUNNING, FINISH): (FINISHED, "close_finish"),
    (PAUSED, FINISH): (FINISHED, "finish"),
    (IDLE, FINISH): (FINISHED, "finish"),
}


def transition(state, event):
    """Return ``(new_state, action)`` or raise ``InvalidTransitionError``."""
    state = state or IDLE
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise InvalidTransitionError(
            f"event {event!r} is not allowed on a work order that is {state!r}"
        ) from None


def find_workorder(workorders, reference):
    """Find one work order of an MO from the event's reference.

    ``workorders``: iterable of dicts ``{"id", "sequence", "name"}`` (the MO's own
    work orders; ids are Odoo's and never come from the payload).
    ``reference``: the payload's ``{"sequence": int, "operation": str}``, one or both.
    Returns the ``id``. Raises ``WorkorderNotFoundError`` / ``AmbiguousWorkorderError``.
    """
    reference = reference or {}
    sequence = reference.get("sequence")
    operation = reference.get("operation")
    if sequence is None and not operation:
        raise WorkorderNotFoundError(
            "the event names no work order (sequence or operation)"
        )
    candidates = list(workorders)
    if sequence is not None:
        candidates = [wo for wo in candidates if wo["sequence"] == sequence]
    if operation:
        wanted = operation.strip().casefold()
        candidates = [
            wo for wo in candidates if (wo["name"] or "").strip().casefold() == wanted
        ]
    label = ", ".join(
        part
        for part in (
            f"sequence {sequence}" if sequence is not None else "",
            f"operation {operation!r}" if operation else "",
        )
        if part
    )
    if not candidates:
        raise WorkorderNotFoundError(f"no work order with {label}")
    if len(candidates) > 1:
        raise AmbiguousWorkorderError(f"{len(candidates)} work orders match {label}")
    return candidates[0]["id"]

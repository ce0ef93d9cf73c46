"""Nonconformance life cycle (pure python)."""

from .exceptions import StateConflictError

OPEN = "open"
CONTAINED = "contained"
DISPOSITIONED = "dispositioned"
CLOSED = "closed"

STATES = (OPEN, CONTAINED, DISPOSITIONED, CLOSED)

# Allowed moves of the state machine; a closed NC can only be reopened by hand
# (back to open), never by a message.
TRANSITIONS = {
    OPEN: {CONTAINED, DISPOSITIONED, CLOSED},
    CONTAINED: {DISPOSITIONED, CLOSED},
    DISPOSITIONED: {CLOSED},
    CLOSED: {OPEN},
}

RELEASE = "release"
SCRAP = "scrap"
REWORK = "rework"
RETURN = "return_to_vendor"
DISPOSITIONS = (RELEASE, SCRAP, REWORK, RETURN)


def check_transition(current, new):
    if current == new:
        return
    if new not in TRANSITIONS.get(current, set()):
        raise StateConflictError(
            "A nonconformance cannot go from %(current)s to %(new)s.",
            current=current,
            new=new,
        )


def check_accepts_disposition(state, name="nonconformance"):
    if state == CLOSED:
        raise StateConflictError(
            "Nonconformance %(name)s is closed: no further disposition is accepted.",
            name=name,
        )


def state_after_disposition(left):
    """State once a disposition is recorded and ``left`` remains to decide."""
    return CLOSED if left <= 0 else DISPOSITIONED

"""Decisions for messages that carry an ordering key and a sequence number."""

APPLY = "apply"
PARK = "park"
DUPLICATE = "duplicate"


def decide(last_applied, sequence):
    """What to do with ``sequence`` when ``last_applied`` is the highest applied
    sequence of its key (0 when none): apply it, park it behind a gap, or call
    it a duplicate."""
    last_applied = last_applied or 0
    if sequence <= last_applied:
        return DUPLICATE
    if sequence == last_applied + 1:
        return APPLY
    return PARK


def gap_expired(parked_since, now, timeout_seconds):
    """A parked message waited longer than the flow allows for its gap."""
    if not timeout_seconds or parked_since is None:
        return False
    return (now - parked_since).total_seconds() > timeout_seconds

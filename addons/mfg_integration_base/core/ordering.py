"""Decisions for messages that carry an ordering key and a sequence number."""

# Longest ordering key a webhook may send: PostgreSQL cannot index (and so
# cannot store) a key of a few kilobytes that does not compress.
KEY_MAX_LENGTH = 255

APPLY = "apply"
PARK = "park"
DUPLICATE = "duplicate"
# Another transaction holds the message's ordering key: it waits, queued.
BUSY = "busy"


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


class ClaimedKeys:
    """The ordering keys one transaction holds (``(connector id, key) ->
    highest applied sequence``), and those of them with parked messages.

    A drain claims the keys of its batch once, then decides every message from
    here instead of asking the database per message: while it holds a key, no
    one else applies a message of it. ``copy``/``restore`` undo what a batch
    rolled back to its savepoint had noted."""

    def __init__(self):
        self.last = {}
        self.parked = set()
        self.applied_now = {}

    def add(self, key, last_applied, has_parked=False):
        self.last[key] = last_applied or 0
        if has_parked:
            self.parked.add(key)

    def holds(self, key):
        return key in self.last

    def decide(self, key, sequence):
        return decide(self.last[key], sequence)

    def note_applied(self, key, sequence):
        """``sequence`` of ``key`` is applied; True when parked messages of the
        key may now move (released or found duplicate)."""
        if sequence > self.last.get(key, 0):
            self.last[key] = sequence
            self.applied_now[key] = sequence
        return key in self.parked

    def note_parked(self, key):
        self.parked.add(key)

    # a plain object of core/, not an Odoo model: there is no super().copy()
    def copy(self):  # pylint: disable=method-required-super
        other = ClaimedKeys()
        other.last = dict(self.last)
        other.parked = set(self.parked)
        other.applied_now = dict(self.applied_now)
        return other

    def restore(self, saved):
        self.last = dict(saved.last)
        self.parked = set(saved.parked)
        self.applied_now = dict(saved.applied_now)

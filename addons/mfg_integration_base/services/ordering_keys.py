# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Per-key ordering of inbound messages, enforced by the database: a drain
claims the ordering keys (connector + key, e.g. an MO) of its batch, and only
the transaction holding a key applies messages of it. Other drains skip a busy
key and go on with other keys, whatever the job channels' capacities.

A claim is two things, both released when the transaction ends:

- a transaction-level advisory lock on (connector, key), taken without waiting
  (``pg_try_advisory_xact_lock``): the mutual exclusion;
- an UPDATE of the key's row in ``mfg_ordering_key``. Odoo's transactions are
  REPEATABLE READ: a drain whose snapshot is older than the commit of the
  previous holder of the key would decide on stale data (a copy of a sequence
  that holder has just applied would look new). Every claim writes the row,
  so such a drain's UPDATE fails with a serialization error, and the key is
  skipped instead: whoever holds a key sees every application of it.

The row also keeps the highest sequence applied per key, which survives the
retention vacuum of old messages."""

import psycopg2

# First half of the two-int advisory lock key: this engine's namespace ("mfg").
LOCK_NAMESPACE = 0x6D6667

KEY_TABLE_SQL = """
    CREATE TABLE IF NOT EXISTS mfg_ordering_key (
        connector_id integer NOT NULL
            REFERENCES mfg_connector (id) ON DELETE CASCADE,
        key_hash uuid NOT NULL,
        last_sequence integer NOT NULL DEFAULT 0,
        claimed_at timestamp,
        PRIMARY KEY (connector_id, key_hash)
    )
"""

# The free keys among %(keys)s, locked by this transaction from now on.
TRY_LOCK_SQL = """
    SELECT k FROM unnest(%(keys)s::varchar[]) AS k
     WHERE pg_try_advisory_xact_lock(%(ns)s, hashtext(%(connector)s || ':' || k))
"""

# The key rows (made if missing), written: fails on a stale snapshot.
CLAIM_ROWS_SQL = """
    INSERT INTO mfg_ordering_key (connector_id, key_hash)
    SELECT %(connector)s, md5(k)::uuid FROM unnest(%(keys)s::varchar[]) AS k
    ON CONFLICT DO NOTHING;
    UPDATE mfg_ordering_key SET claimed_at = now() AT TIME ZONE 'UTC'
     WHERE connector_id = %(connector)s
       AND key_hash = ANY(ARRAY(SELECT md5(k)::uuid
                                  FROM unnest(%(keys)s::varchar[]) AS k))
"""

# Per key: highest applied sequence (kept row or messages), parked messages.
KEY_STATE_SQL = """
    SELECT k,
           GREATEST(
               (SELECT last_sequence FROM mfg_ordering_key
                 WHERE connector_id = %(connector)s AND key_hash = md5(k)::uuid),
               (SELECT MAX(m.sequence) FROM mfg_sync_message m
                 WHERE m.connector_id = %(connector)s AND m.ordering_key = k
                   AND m.direction = 'inbound' AND m.state IN ('done', 'ignored')),
               0),
           EXISTS (SELECT 1 FROM mfg_sync_message m
                    WHERE m.connector_id = %(connector)s AND m.ordering_key = k
                      AND m.direction = 'inbound' AND m.state = 'parked')
      FROM unnest(%(keys)s::varchar[]) AS k
"""

NOTE_APPLIED_SQL = """
    UPDATE mfg_ordering_key o SET last_sequence = GREATEST(o.last_sequence, a.seq)
      FROM unnest(%(keys)s::varchar[], %(seqs)s::integer[]) AS a (k, seq)
     WHERE o.connector_id = %(connector)s AND o.key_hash = md5(a.k)::uuid
"""


def create_table(cr):
    cr.execute(KEY_TABLE_SQL)


def claim(cr, connector_id, keys, claimed):
    """Claim ``keys`` of ``connector_id`` for this transaction; record the
    claimed ones, with their state, in ``claimed`` (core.ordering.ClaimedKeys).
    Busy keys, and keys this transaction's snapshot is too old for, are left
    out. Returns the claimed keys."""
    keys = sorted({key for key in keys if not claimed.holds((connector_id, key))})
    if not keys:
        return []
    free = free_keys(cr, connector_id, keys)
    if not free:
        return []
    fresh = _claim_rows(cr, connector_id, free)
    if fresh:
        cr.execute(KEY_STATE_SQL, {"keys": fresh, "connector": connector_id})
        for key, last_applied, has_parked in cr.fetchall():
            claimed.add((connector_id, key), last_applied, has_parked)
    return fresh


def _claim_rows(cr, connector_id, keys):
    """Write the key rows; the keys whose row this snapshot may write."""
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                CLAIM_ROWS_SQL,
                {"keys": keys, "connector": connector_id},
                log_exceptions=False,
            )
        return keys
    except psycopg2.errors.SerializationFailure:
        if len(keys) == 1:
            return []
    # One key at least was written since this snapshot: find which, alone.
    return [key for key in keys if _claim_rows(cr, connector_id, [key])]


def free_keys(cr, connector_id, keys):
    """The keys of ``keys`` no other transaction holds (this one holds them
    from now on, until it ends): a look that writes nothing."""
    params = {"keys": sorted(set(keys)), "connector": str(connector_id)}
    cr.execute(TRY_LOCK_SQL, {**params, "ns": LOCK_NAMESPACE})
    return [row[0] for row in cr.fetchall()]


def note_applied(cr, applied):
    """Keep the highest applied sequence of each claimed key of ``applied``
    (``(connector id, key) -> sequence``)."""
    by_connector = {}
    for (connector_id, key), sequence in applied.items():
        by_connector.setdefault(connector_id, {})[key] = sequence
    for connector_id, sequences in sorted(by_connector.items()):
        keys = sorted(sequences)
        cr.execute(
            NOTE_APPLIED_SQL,
            {
                "keys": keys,
                "seqs": [sequences[key] for key in keys],
                "connector": connector_id,
            },
        )

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The inbound rate limit: one token bucket row per connector.

Counting the messages stored in the last minute leaked under concurrency
(each transaction saw none of the others' uncommitted rows: 10 parallel
requests at 5/min got 6 accepted). Taking a token is one atomic statement on
the bucket row (its row lock serializes concurrent requests), run on a cursor
of its own that commits at once, before the request writes anything."""

import math

BUCKET_TABLE = "mfg_intake_rate_bucket"
WINDOW_SECONDS = 60.0


# The bucket's refill since its last take, capped at the limit, appears three
# times below: SET clauses cannot read each other's new values.
TAKE_SQL = """
    INSERT INTO mfg_intake_rate_bucket AS b (connector_id, tokens, taken, updated_at)
    VALUES (%(id)s, %(limit)s - 1, true, clock_timestamp() at time zone 'UTC')
    ON CONFLICT (connector_id) DO UPDATE SET
        tokens = LEAST(%(limit)s::double precision, b.tokens + %(rate)s * EXTRACT(
                     EPOCH FROM (clock_timestamp() at time zone 'UTC') - b.updated_at))
               - CASE WHEN LEAST(%(limit)s::double precision, b.tokens + %(rate)s
                     * EXTRACT(EPOCH FROM (clock_timestamp() at time zone 'UTC')
                               - b.updated_at)) >= 1 THEN 1 ELSE 0 END,
        taken = LEAST(%(limit)s::double precision, b.tokens + %(rate)s * EXTRACT(
                    EPOCH FROM (clock_timestamp() at time zone 'UTC') - b.updated_at))
                >= 1,
        updated_at = clock_timestamp() at time zone 'UTC'
    RETURNING tokens, taken
"""


def create_table(cr):
    cr.execute(
        """
        CREATE TABLE IF NOT EXISTS mfg_intake_rate_bucket (
            connector_id integer PRIMARY KEY,
            tokens double precision NOT NULL,
            taken boolean NOT NULL DEFAULT true,
            updated_at timestamp NOT NULL
        )
        """
    )


def take(cr, connector_id, limit, own_transaction=True):
    """Take one token of ``connector_id``'s bucket (``limit`` per minute, a
    burst of ``limit``). Returns 0 when taken, else the seconds to wait.

    ``own_transaction``: ``cr`` is a fresh cursor whose transaction is this
    statement alone. It then runs READ COMMITTED, where concurrent takes wait
    for the row and see its last committed value (Odoo's REPEATABLE READ
    would make them fail with a serialization error instead)."""
    rate = limit / WINDOW_SECONDS
    if own_transaction:
        cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    cr.execute(TAKE_SQL, {"id": connector_id, "limit": limit, "rate": rate})
    tokens, taken = cr.fetchone()
    if taken:
        return 0
    return max(1, math.ceil((1 - tokens) / rate))

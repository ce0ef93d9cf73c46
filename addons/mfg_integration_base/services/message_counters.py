# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Message counts kept by the database, so that /mfg/v1/metrics reads a few
hundred rows instead of recounting every stored message.

Triggers on ``mfg_sync_message`` append signed deltas (``*_delta`` tables) in
the transaction that inserts, updates or deletes messages, whatever writes them
(the ORM, the ordering crons' SQL, the retention cron's unlink):

- ``mfg_message_count``: stored messages and their retries per connector, flow,
  direction and state (a gauge: a deleted message leaves it);
- ``mfg_message_latency``: receipt-to-done latencies counted when a message
  reaches done, per connector, flow and bucket (a counter, as Prometheus
  histograms are: deleting old messages does not lower it).

Appending instead of updating one row per key means that two transactions
finishing messages of the same flow never wait for each other (nor deadlock)
on a counter row. ``fold`` (a cron, every minute) moves the deltas into the
totals (one row per key); the delta tables only ever lose rows there, so
vacuum gives their pages back. A reader sums totals and deltas, so its figures
equal the messages table in its own snapshot."""

# Messages not finished yet: the backlog.
PENDING_STATES = ("received", "queued", "parked")
COUNT_TABLE = "mfg_message_count"
# Taken by fold: two folds at once would not lose counts, but one would fail
# on the rows the other deletes.
FOLD_LOCK = 0x6D666763  # "mfgc"

TABLES_SQL = """
CREATE TABLE IF NOT EXISTS mfg_message_count (
    connector_id integer NOT NULL,
    flow_id integer,
    direction varchar NOT NULL,
    state varchar NOT NULL,
    messages bigint NOT NULL,
    retries bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS mfg_message_count_delta
    (LIKE mfg_message_count INCLUDING ALL);
CREATE TABLE IF NOT EXISTS mfg_message_latency (
    connector_id integer NOT NULL,
    flow_id integer,
    le_ms integer,  -- the bucket's upper bound; NULL above the last one
    messages bigint NOT NULL,
    sum_ms double precision NOT NULL
);
CREATE TABLE IF NOT EXISTS mfg_message_latency_delta
    (LIKE mfg_message_latency INCLUDING ALL);
"""

# %(bounds)s: the buckets' upper bounds in ms (integers).
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION mfg_latency_le(ms double precision) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT min(b) FROM unnest(%(bounds)s::integer[]) AS b WHERE ms <= b $$;

CREATE OR REPLACE FUNCTION mfg_message_counters_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mfg_message_count_delta
    SELECT connector_id, flow_id, direction, state,
           count(*), sum(GREATEST(attempts - 1, 0))
      FROM mfg_new_rows WHERE connector_id IS NOT NULL
     GROUP BY 1, 2, 3, 4;
    INSERT INTO mfg_message_latency_delta
    SELECT connector_id, flow_id, mfg_latency_le(latency_ms),
           count(*), sum(latency_ms)
      FROM mfg_new_rows
     WHERE connector_id IS NOT NULL AND state = 'done'
       AND latency_ms IS NOT NULL
     GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION mfg_message_counters_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mfg_message_count_delta
    SELECT connector_id, flow_id, direction, state,
           -count(*), -sum(GREATEST(attempts - 1, 0))
      FROM mfg_old_rows WHERE connector_id IS NOT NULL
     GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION mfg_message_counters_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.connector_id IS NOT NULL THEN
        INSERT INTO mfg_message_count_delta VALUES (
            OLD.connector_id, OLD.flow_id, OLD.direction, OLD.state,
            -1, -GREATEST(OLD.attempts - 1, 0));
    END IF;
    IF NEW.connector_id IS NOT NULL THEN
        INSERT INTO mfg_message_count_delta VALUES (
            NEW.connector_id, NEW.flow_id, NEW.direction, NEW.state,
            1, GREATEST(NEW.attempts - 1, 0));
    END IF;
    IF NEW.connector_id IS NOT NULL AND NEW.state = 'done'
       AND NEW.latency_ms IS NOT NULL THEN
        IF OLD.connector_id IS NOT NULL AND OLD.state = 'done'
           AND OLD.latency_ms IS NOT NULL THEN
            -- Still the same completion, corrected: move it.
            INSERT INTO mfg_message_latency_delta VALUES (
                OLD.connector_id, OLD.flow_id, mfg_latency_le(OLD.latency_ms),
                -1, -OLD.latency_ms);
        END IF;
        INSERT INTO mfg_message_latency_delta VALUES (
            NEW.connector_id, NEW.flow_id, mfg_latency_le(NEW.latency_ms),
            1, NEW.latency_ms);
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS mfg_message_counters_insert ON mfg_sync_message;
CREATE TRIGGER mfg_message_counters_insert AFTER INSERT ON mfg_sync_message
    REFERENCING NEW TABLE AS mfg_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mfg_message_counters_insert();
DROP TRIGGER IF EXISTS mfg_message_counters_delete ON mfg_sync_message;
CREATE TRIGGER mfg_message_counters_delete AFTER DELETE ON mfg_sync_message
    REFERENCING OLD TABLE AS mfg_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mfg_message_counters_delete();
-- Per row, and only for the columns counted: most writes of a message
-- (chatter, activity, payload) cost no call at all.
DROP TRIGGER IF EXISTS mfg_message_counters_update ON mfg_sync_message;
CREATE TRIGGER mfg_message_counters_update AFTER UPDATE ON mfg_sync_message
    FOR EACH ROW WHEN (
        OLD.state IS DISTINCT FROM NEW.state
        OR OLD.attempts IS DISTINCT FROM NEW.attempts
        OR OLD.latency_ms IS DISTINCT FROM NEW.latency_ms
        OR OLD.connector_id IS DISTINCT FROM NEW.connector_id
        OR OLD.flow_id IS DISTINCT FROM NEW.flow_id
        OR OLD.direction IS DISTINCT FROM NEW.direction
    ) EXECUTE FUNCTION mfg_message_counters_update();
"""

# What the messages table holds now, as the triggers would have counted it.
BACKFILL_SQL = """
INSERT INTO mfg_message_count
SELECT connector_id, flow_id, direction, state,
       count(*), sum(GREATEST(attempts - 1, 0))
  FROM mfg_sync_message WHERE connector_id IS NOT NULL
 GROUP BY 1, 2, 3, 4;
INSERT INTO mfg_message_latency
SELECT connector_id, flow_id, mfg_latency_le(latency_ms), count(*), sum(latency_ms)
  FROM mfg_sync_message
 WHERE connector_id IS NOT NULL AND state = 'done' AND latency_ms IS NOT NULL
 GROUP BY 1, 2, 3;
"""

FOLD_SQL = """
WITH moved AS (DELETE FROM mfg_message_count_delta RETURNING *),
     totals AS (DELETE FROM mfg_message_count RETURNING *)
INSERT INTO mfg_message_count
SELECT connector_id, flow_id, direction, state, sum(messages), sum(retries)
  FROM (SELECT * FROM moved UNION ALL SELECT * FROM totals) rows
 GROUP BY 1, 2, 3, 4
HAVING sum(messages) <> 0 OR sum(retries) <> 0;
WITH moved AS (DELETE FROM mfg_message_latency_delta RETURNING *),
     totals AS (DELETE FROM mfg_message_latency RETURNING *)
INSERT INTO mfg_message_latency
SELECT connector_id, flow_id, le_ms, sum(messages), sum(sum_ms)
  FROM (SELECT * FROM moved UNION ALL SELECT * FROM totals) rows
 GROUP BY 1, 2, 3
HAVING sum(messages) <> 0;
"""


def install(cr, bounds_ms):
    """Create (or update) the tables, functions and triggers; the first time,
    count the messages already stored. Runs at install and upgrade."""
    cr.execute("SELECT to_regclass(%s)", [COUNT_TABLE])
    first_time = cr.fetchone()[0] is None
    # Nobody writes messages between the backfill and the triggers.
    cr.execute("LOCK TABLE mfg_sync_message IN SHARE ROW EXCLUSIVE MODE")
    cr.execute(TABLES_SQL)
    cr.execute(FUNCTIONS_SQL, {"bounds": [int(b) for b in bounds_ms]})
    if first_time:
        cr.execute(BACKFILL_SQL)
    cr.execute(TRIGGERS_SQL)


def fold(cr):
    """Sum the appended deltas into one row per key. False when another
    fold is running (it does the work)."""
    cr.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
    if not cr.fetchone()[0]:
        return False
    cr.execute(FOLD_SQL)
    return True


def read_counts(cr):
    """[(connector_id, flow_id, direction, state, messages, retries)]."""
    cr.execute(
        """
        SELECT connector_id, flow_id, direction, state, sum(messages), sum(retries)
          FROM (SELECT * FROM mfg_message_count
                UNION ALL SELECT * FROM mfg_message_count_delta) rows
         GROUP BY 1, 2, 3, 4
        HAVING sum(messages) <> 0 OR sum(retries) <> 0
        """
    )
    return cr.fetchall()


def read_latency(cr):
    """[(connector_id, flow_id, le_ms or None, messages, sum_ms)]."""
    cr.execute(
        """
        SELECT connector_id, flow_id, le_ms, sum(messages), sum(sum_ms)
          FROM (SELECT * FROM mfg_message_latency
                UNION ALL SELECT * FROM mfg_message_latency_delta) rows
         GROUP BY 1, 2, 3
        """
    )
    return cr.fetchall()


def states_by_connector(cr, connector_ids):
    """{connector_id: {state: stored messages}} from the counters."""
    if not connector_ids:
        return {}
    cr.execute(
        """
        SELECT connector_id, state, sum(messages)
          FROM (SELECT * FROM mfg_message_count
                UNION ALL SELECT * FROM mfg_message_count_delta) rows
         WHERE connector_id IN %s
         GROUP BY 1, 2
        """,
        [tuple(connector_ids)],
    )
    result = {}
    for connector_id, state, count in cr.fetchall():
        result.setdefault(connector_id, {})[state] = int(count)
    return result

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Counts of refused unauthenticated requests, per connector and reason.

A request that fails the connector lookup, the size or content checks before
its signature, the signature or the rate limit costs no stored message: one
log line, and one more in a per-worker counter that is added to the database
(one row per connector, reason and day) at most every FLUSH_SECONDS, on a
cursor of its own. Random URLs all count under connector 0: the counter is
bounded by the number of connectors times the number of reasons."""

import logging
import threading
import time

import psycopg2

_logger = logging.getLogger(__name__)

TABLE = "mfg_intake_rejection"
REASONS = (
    "not_found",
    "payload_too_large",
    "unsupported_media_type",
    "unauthorized",
    "rate_limited",
)
UNKNOWN_CONNECTOR = 0
FLUSH_SECONDS = 5.0
_lock = threading.Lock()
_pending = {}  # {(dbname, connector_id, reason): count}
_last_flush = {"at": time.monotonic()}


def create_table(cr):
    cr.execute(
        """
        CREATE TABLE IF NOT EXISTS mfg_intake_rejection (
            connector_id integer NOT NULL,
            reason varchar(32) NOT NULL,
            day date NOT NULL,
            count bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (connector_id, day, reason)
        )
        """
    )


def _printable(text, limit=64):
    text = str(text or "")[:limit]
    return "".join(c if c.isprintable() else "?" for c in text)


def count(registry, connector_id, reason, connector_code, flow_code, status):
    """Count one refused request and log it; flush the counts when due."""
    reason = reason if reason in REASONS else "unauthorized"
    key = (registry.db_name, connector_id or UNKNOWN_CONNECTOR, reason)
    with _lock:
        _pending[key] = _pending.get(key, 0) + 1
        due = time.monotonic() - _last_flush["at"] >= FLUSH_SECONDS
    _logger.info(
        "mfg webhook %s/%s refused with %s (%s): not stored",
        _printable(connector_code),
        _printable(flow_code),
        status,
        reason,
    )
    if due:
        flush(registry)


def flush(registry):
    """Add this worker's pending counts of ``registry``'s database."""
    with _lock:
        mine = {k: v for k, v in _pending.items() if k[0] == registry.db_name}
        for key in mine:
            del _pending[key]
        _last_flush["at"] = time.monotonic()
    if not mine:
        return
    try:
        with registry.cursor() as cr:
            for (_db, connector_id, reason), number in mine.items():
                cr.execute(
                    """
                    INSERT INTO mfg_intake_rejection AS r
                        (connector_id, reason, day, count)
                    VALUES (%s, %s, (now() at time zone 'UTC')::date, %s)
                    ON CONFLICT (connector_id, day, reason)
                    DO UPDATE SET count = r.count + EXCLUDED.count
                    """,
                    [connector_id, reason, number],
                )
    except psycopg2.Error:  # counting must never fail the request it counts
        _logger.warning("mfg webhook: refused-request counts not saved", exc_info=True)
        with _lock:
            for key, number in mine.items():
                _pending[key] = _pending.get(key, 0) + number

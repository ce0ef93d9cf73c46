# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The life of a message once stored: map, validate, order, handle or send,
then done, failed (with an activity), retried or dead."""

import hashlib
import json
import logging
import time
from collections import defaultdict
from datetime import timedelta

import psycopg2
import requests
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..core import backoff, hashing, ordering, outbound_safety
from ..core import errors as error_lib
from ..core.mapping import MappingError
from ..core.schemas import SchemaError
from ..exceptions import (
    MfgEndpointGone,
    MfgError,
    MfgTransientError,
    MfgValidationError,
)
from ..services import ordering_keys
from .mfg_flow import drain_after_commit

_logger = logging.getLogger(__name__)

# Retry-worthy database errors, by class (a raised instance may carry no pgcode).
# A unique violation is a concurrent insert of the same row: the retry finds it.
TRANSIENT_DB_ERRORS = (
    psycopg2.errors.UniqueViolation,
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.QueryCanceled,
)
# A concurrent transaction wrote, and committed, a row this message writes
# (two drains consuming from one stock quant): not the message's fault, and
# hopeless in this transaction's snapshot (REPEATABLE READ). The batch stops
# there and its rest waits, queued, no attempt counted, for a drain in a
# fresh transaction: counted as failures, they were retried after a backoff
# and, under a steady contention, could end dead.
CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.LockNotAvailable,
)
# Drains in a row stopped by a conflict before they moved anything: past
# this, the conflicting message counts a (transient) attempt, so that a
# conflict that recurs (a handler that raises one) cannot chain drains for ever.
CONFLICT_STREAK_LIMIT = 3
# The outcomes a business model hears of (_mfg_outcome_reached).
FINAL_STATES = ("done", "failed", "dead")


# A drain reads this many batches of due messages to fill its own with
# messages of keys no other drain holds.
CLAIM_WINDOW = 4
# Seconds for which one reading of the database's clock dates the outcomes
# that follow it in the same cursor (advanced by the machine's monotonic
# clock): an optimistic batch reads it about once, not once per message.
DB_CLOCK_REUSE = 1.0


class ReplayOneByOne(Exception):
    """A message of an optimistic batch raised: replay the batch one by one."""


# What aborts an optimistic batch: a message that raised, or the batch's
# flush refused by the database.
OPTIMISTIC_ABORTS = (
    ReplayOneByOne,
    psycopg2.Error,
    UnicodeError,
    ValueError,
    RecursionError,
)


class MfgSyncMessage(models.Model):
    _inherit = "mfg.sync.message"

    # ------------------------------------------------------------ extension
    def _mfg_ordering_record(self):
        """The business record behind this message's ordering key, where a gap
        exception belongs. Domain addons override it for their flows."""
        self.ensure_one()
        return self._get_business_record()

    def _mfg_outcome_reached(self, state, record=None):
        """Hook: this message has reached ``state``. Called by the engine after
        every outcome it writes (processing, dead-lettering, a person's retry or
        replay that ends); only done, failed and dead are told, to the model of
        the message's business record (``_mfg_on_message_outcome``). Override
        it for what concerns the message itself (an acknowledgement).
        ``record``: the business record when the caller has it in hand (the
        handler's), else it is read from the message."""
        self.ensure_one()
        if state not in FINAL_STATES:
            return
        if record is None:
            record = self._get_business_record()
        else:
            record = record.with_env(self.env)
        if record:
            record._mfg_on_message_outcome(self, state)

    def _mfg_bookkeeping(self):
        """The engine's own writes on a message: no tracking in the chatter (a
        state change per message would double the cost of processing); people's
        actions (retry, replay, ignore) are posted explicitly."""
        return self.sudo().with_context(tracking_disable=True)

    # -------------------------------------------------------------- intake
    @api.model
    def _mfg_claim_due(self, flow, limit, slots=1):
        """(messages, claimed keys, more): up to ``limit`` due queued messages
        of ``flow``, in sequence order, locked, of ordering keys this
        transaction claimed (``services/ordering_keys.py``); ``more`` when
        the batch is full, or when it took its share of the keys (more may
        be due).

        With ``slots`` drains of the flow allowed at once, a drain claims its
        share of the due keys (1 / slots of them), not every key in its batch:
        the events of many MOs interleave (event 1 of each, then event 2...),
        so a batch of 200 held all 50 MOs' keys and a second drain found
        nothing to take while the first applied them one by one.

        Left out, for the look after this transaction's commit: messages of a
        key another drain holds, messages another drain has locked, and those
        it has processed since this transaction's snapshot (REPEATABLE READ
        cannot lock them: "could not serialize access")."""
        claimed = ordering.ClaimedKeys()
        self.flush_model()
        cr = self.env.cr
        # Messages of busy keys are skipped: look a few batches ahead.
        rows = self._mfg_drain_scope(flow, limit * CLAIM_WINDOW)
        connector_id = flow.connector_id.id
        ordered = flow.direction == "inbound"
        key_share = None
        if ordered and slots > 1:
            keys_due = {key for _id, key, seq in rows if key and seq}
            if len(keys_due) > 1:
                key_share = -(-len(keys_due) // slots)
        ids, tried, start, held, keys_left = [], set(), 0, 0, False
        while len(ids) < limit and start < len(rows):
            # Claim the keys of as many messages as the batch still lacks
            # (claiming more would hold keys back from the other drains),
            # then lock those rows; rows another drain has locked are passed
            # over for the next ones (stopping there, a second drain of a
            # flow without keys found nothing, and chained empty drains).
            chunk = rows[start : start + limit - len(ids)]
            start += len(chunk)
            keys = [
                k
                for k in dict.fromkeys(k for _id, k, s in chunk if ordered and k and s)
                if k not in tried
            ]
            if key_share is None:
                tried.update(keys)
                ordering_keys.claim(cr, connector_id, keys, claimed)
            else:
                # Keys another drain holds are passed over for the next ones.
                while keys and held < key_share:
                    take, keys = keys[: key_share - held], keys[key_share - held :]
                    tried.update(take)
                    held += len(ordering_keys.claim(cr, connector_id, take, claimed))
                keys_left = keys_left or bool(keys)
            ids += self._mfg_lock_rows(
                [
                    id_
                    for id_, key, seq in chunk
                    if not (ordered and key and seq)
                    or claimed.holds((connector_id, key))
                ]
            )
        messages = self.sudo().browse(ids)
        share_taken = keys_left and held >= key_share
        return messages, claimed, len(messages) >= limit or share_taken

    @api.model
    def _mfg_drain_scope(self, flow, limit, lock=False):
        """[(id, ordering key, sequence)] of the due queued messages a drain of
        ``flow`` takes, in sequence order: the flow's own, and the keyed ones
        of its sibling flows (_mfg_ordered_siblings), applied in sequence with
        its own: one key's events by one drain, in order, instead of parked
        by a drain that sees a successor before its predecessor. ``lock``:
        locked, skipping rows other transactions hold."""
        siblings = flow._mfg_ordered_siblings()
        self.env.cr.execute(
            """
            SELECT id, ordering_key, sequence FROM mfg_sync_message
             WHERE flow_id = ANY(%s) AND state = 'queued'
               AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
               AND (flow_id = %s
                    OR (ordering_key IS NOT NULL AND sequence IS NOT NULL))
             ORDER BY sequence NULLS FIRST, id
             LIMIT %s
            """
            + (" FOR UPDATE SKIP LOCKED" if lock else ""),
            [[flow.id, *siblings.ids], fields.Datetime.now(), flow.id, limit],
            log_exceptions=not lock,
        )
        return self.env.cr.fetchall()

    @api.model
    def _mfg_lock_rows(self, ids):
        """Those of ``ids`` still queued, locked, in the order given; rows
        another transaction holds or has changed since this snapshot are left
        out."""
        locked = self._mfg_try_lock_rows(ids) if ids else []
        if locked is None:
            # One of them at least was processed since this snapshot.
            locked = [id_ for id_ in ids if self._mfg_try_lock_rows([id_])]
        rank = {id_: index for index, id_ in enumerate(ids)}
        return sorted(locked, key=rank.get)

    @api.model
    def _mfg_try_lock_rows(self, ids):
        """The ids locked, or None when one is newer than this snapshot."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    """
                    SELECT id FROM mfg_sync_message
                     WHERE id = ANY(%s) AND state = 'queued'
                     FOR UPDATE SKIP LOCKED
                    """,
                    [list(ids)],
                    log_exceptions=False,
                )
                return [row[0] for row in self.env.cr.fetchall()]
        except psycopg2.errors.SerializationFailure:
            _logger.debug("mfg: messages %s taken by a concurrent drain", ids)
            return None

    @api.model
    def _mfg_due_exists(self, flow, window=50):
        """True when due messages that a drain of ``flow`` would take wait
        that no running drain holds (neither their row nor their ordering
        key): the flow's own, and the keyed ones of its sibling flows, which
        its drain applies in sequence with its own (_mfg_claim_due; looking
        at the flow's own only, a key's next event in a sibling flow waited
        for the dispatch cron when the drain that held the key ended).
        Writes nothing; run in a transaction of its own (the locks it takes
        last until its end)."""
        self.flush_model()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                rows = [
                    (key, seq)
                    for _id, key, seq in self._mfg_drain_scope(flow, window, lock=True)
                ]
        except psycopg2.errors.SerializationFailure:
            return False
        if flow.direction != "inbound" or any(not (k and s) for k, s in rows):
            return bool(rows)
        keys = {key for key, _seq in rows}
        return bool(ordering_keys.free_keys(cr, flow.connector_id.id, keys))

    # ----------------------------------------------------------- processing
    def _mfg_process(self, claimed=None, limit=None, conflicts=0):
        """Process this batch (one flow's, in sequence order) under the
        ordering keys its drain ``claimed``. A parked successor that a message
        releases joins the batch while it has room (``limit``), else waits
        queued for the next drain: never a recursion.

        Inbound batches are optimistic: applied in one savepoint, flushed
        once. Only when a message raises is the savepoint rolled back and the
        batch replayed message by message, each in a savepoint of its own, so
        that the failing message fails alone.

        Returns None, or, when a concurrency conflict stopped the batch, the
        drains in a row stopped before moving anything (``conflicts`` the
        streak so far; 0 when this one moved something)."""
        if claimed is None:
            claimed = ordering.ClaimedKeys()
        limit = max(limit or 0, len(self))
        if len(self) > 1 and all(m.direction == "inbound" for m in self):
            saved = claimed.copy()
            try:
                with self.env.cr.savepoint():
                    self._mfg_process_batch(claimed, limit, optimistic=True)
            except OPTIMISTIC_ABORTS as err:
                # The savepoint's rollback cleared the cache and released the
                # keys claimed inside it.
                claimed.restore(saved)
                _logger.info(
                    "mfg: batch of %s message(s) replayed one by one (%s)",
                    len(self),
                    err,
                )
            else:
                ordering_keys.note_applied(self.env.cr, claimed.applied_now)
                return None
        streak = self._mfg_process_batch(claimed, limit, False, conflicts)
        ordering_keys.note_applied(self.env.cr, claimed.applied_now)
        return streak

    def _mfg_process_batch(self, claimed, limit, optimistic, conflicts=0):
        """None, or the conflict streak when a concurrency conflict stopped
        the batch (the messages from the conflicting one on left queued)."""
        queue = list(self)
        processed = 0
        drained_with = {}  # flow -> the flows its drain applies (siblings)
        while queue:
            message = queue.pop(0)
            if not message._mfg_may_send():
                continue
            if optimistic:
                released = message._mfg_process_optimistic(claimed)
            else:
                try:
                    released = message._mfg_process_guarded(claimed)
                except CONCURRENCY_ERRORS as err:
                    if processed:
                        streak = 0
                    elif conflicts + 1 < CONFLICT_STREAK_LIMIT:
                        streak = conflicts + 1
                    else:
                        streak = 0  # the message's attempt is the move
                    message._mfg_stop_batch_at_conflict(
                        err, count=not (processed or streak)
                    )
                    return streak
            processed += 1
            room = limit - processed - len(queue)
            if not released:
                continue
            flow = message.flow_id
            if flow not in drained_with:
                drained_with[flow] = flow | flow._mfg_ordered_siblings()
            joining = released.filtered(lambda m, f=drained_with[flow]: m.flow_id in f)
            if room > 0 and joining:
                # Next in sequence: before the rest of the batch.
                queue[:0] = list(joining[:room])
        if optimistic:
            self._mfg_flush_optimistic()
        return None

    def _mfg_flush_optimistic(self):
        """Compute and write what the optimistic batch changed, at once, as
        Odoo does for records created together: what fails here (a compute,
        a constraint, a value the database refuses) is the batch's, replayed
        message by message to find whose it is. Computing each message's
        records after it cost 0.8 ms per event in the generic bench; a handler
        whose model computes wrongly several records at once computes its own
        records (mes_connector's scrap)."""
        try:
            self.env.flush_all()
        except Exception as err:
            raise ReplayOneByOne(f"batch flush: {type(err).__name__}") from err

    def _mfg_stop_batch_at_conflict(self, err, count):
        """A concurrency conflict (CONCURRENCY_ERRORS) at this message stops
        its batch. The message waits, queued, with no attempt counted, unless
        ``count`` (CONFLICT_STREAK_LIMIT): then it fails as transient, retried
        after the backoff."""
        _logger.info(
            "mfg: batch stopped at message %s (%s); the rest waits for a new "
            "transaction",
            self.id,
            type(err).__name__,
        )
        if count:
            _kind, text, technical = error_lib.describe_exception(err)
            self._mfg_fail(error_lib.TRANSIENT, text, technical=technical)

    def _mfg_may_send(self):
        """False for an outbound message whose endpoint is disabled (by a 410
        earlier in the batch, say): it waits, queued, for the re-enabling."""
        self.ensure_one()
        return not (
            self.direction == "outbound" and self.flow_id.endpoint_state == "disabled"
        )

    def _mfg_process_optimistic(self, claimed):
        """Process one message of an optimistic batch: no savepoint of its own;
        any error aborts the batch, which is then replayed message by message."""
        self.ensure_one()
        pending = {}
        try:
            outcome, record = self._mfg_run_inbound(claimed, pending)
            return self._mfg_conclude(outcome, record, pending, claimed)
        except Exception as err:
            raise ReplayOneByOne(f"message {self.id}: {type(err).__name__}") from err

    def _mfg_process_guarded(self, claimed=None):
        """Process one message so that nothing it carries can touch its
        neighbours: everything it writes is flushed inside its own savepoint.
        A value the database refuses (a lone surrogate, an integer out of
        range) used to stay pending in the ORM cache and fail the next
        message's flush, or the whole drain job, leaving it queued forever.
        Returns the parked successors it released."""
        self.ensure_one()
        if claimed is None:
            claimed = ordering.ClaimedKeys()
        saved = claimed.copy()
        try:
            with self.env.cr.savepoint():
                return self._mfg_process_one(claimed)
        except CONCURRENCY_ERRORS:
            claimed.restore(saved)
            raise
        except (psycopg2.Error, UnicodeError, ValueError, RecursionError) as err:
            # The message's own outcome could not be written. The savepoint's
            # rollback cleared the cache: record a failure with safe values.
            claimed.restore(saved)
            _logger.warning(
                "mfg message %s: its outcome could not be stored (%s): failed",
                self.id,
                type(err).__name__,
            )
            self._mfg_fail_poison(err)
            return self.browse()

    def _mfg_fail_poison(self, err):
        """Fail a message whose data the database refused; counts an attempt."""
        kind, text, technical = error_lib.describe_exception(err)
        self._mfg_fail(kind, text, technical=technical)

    def _mfg_process_one(self, claimed=None):
        """Process one message; its preparation and handler (or its send) run
        in a savepoint of their own, so one bad message fails alone and
        nothing is half-applied. Returns the parked successors it released."""
        self.ensure_one()
        if claimed is None:
            claimed = ordering.ClaimedKeys()
        # What preparing learnt (canonical payload, ordering) is written with
        # the outcome in one UPDATE, and kept when the handler fails.
        pending = {}
        record = None
        saved = claimed.copy() if self.direction == "inbound" else None
        try:
            with self.env.cr.savepoint():
                if self.direction == "inbound":
                    outcome, record = self._mfg_run_inbound(claimed, pending)
                else:
                    outcome, record = self._mfg_send_outbound()
        except MfgEndpointGone as err:
            self._mfg_wait_endpoint_gone(str(err), err.http_status)
        except CONCURRENCY_ERRORS:
            self._mfg_restore_claims(claimed, saved)
            raise
        except MfgError as err:
            self._mfg_restore_claims(claimed, saved)
            self._mfg_fail(
                err.error_kind,
                str(err),
                record=err.record,
                user=err.user,
                retry_after=getattr(err, "retry_after", None),
                http_status=getattr(err, "http_status", None),
                extra_vals=pending,
            )
        except (SchemaError, MappingError) as err:
            self._mfg_restore_claims(claimed, saved)
            details = getattr(err, "errors", None) or [
                {"path": getattr(err, "path", "$"), "message": str(err)}
            ]
            self._mfg_fail("validation", str(err), details=details, extra_vals=pending)
        except (UserError, ValidationError, AccessError) as err:
            self._mfg_restore_claims(claimed, saved)
            self._mfg_fail("validation", str(err), extra_vals=pending)
        except psycopg2.Error as err:
            self._mfg_restore_claims(claimed, saved)
            kind, text, technical = error_lib.describe_exception(err)
            if isinstance(err, TRANSIENT_DB_ERRORS):
                kind = error_lib.TRANSIENT
            self._mfg_fail(kind, text, technical=technical, extra_vals=pending)
        except Exception as err:
            # A bug in one handler must not block the batch behind it: the
            # message fails alone with the traceback in the log, for a person.
            self._mfg_restore_claims(claimed, saved)
            _logger.exception(
                "mfg message %s: unexpected error in its handler", self.id
            )
            _kind, text, technical = error_lib.describe_exception(err)
            self._mfg_fail(
                error_lib.PERMANENT, text, technical=technical, extra_vals=pending
            )
        else:
            return self._mfg_conclude(outcome, record, pending, claimed)
        return self.browse()

    @staticmethod
    def _mfg_restore_claims(claimed, saved):
        """The message's savepoint was rolled back, and with it the keys it
        claimed and what it applied."""
        if saved is not None:
            claimed.restore(saved)

    def _mfg_run_inbound(self, claimed, pending):
        """Prepare, then run the handler unless the message waits (parked, a
        busy key) or is a duplicate: (outcome, record)."""
        outcome, canonical, _vals = self._mfg_prepare_inbound(claimed, pending)
        if outcome is not None:
            return outcome, None
        return self._mfg_apply_inbound(canonical)

    def _mfg_conclude(self, outcome, record, pending, claimed):
        """Write the outcome; an applied message releases what waited for it.
        Returns the parked successors released."""
        if outcome == ordering.BUSY:
            # Another drain holds the key (known only once prepared): the
            # message stays queued, with its key, for that drain's look.
            if pending:
                self._mfg_bookkeeping().write(pending)
            drain_after_commit(self.env.cr, self.flow_id.ids)
            return self.browse()
        self._mfg_after_outcome(outcome, record, extra_vals=pending)
        if outcome == "parked":
            claimed.note_parked((self.connector_id.id, self.ordering_key))
        elif outcome == "done":
            return self._mfg_release_next_in_order(claimed)
        return self.browse()

    def _mfg_db_now(self):
        """The database's clock, now (not the transaction's start): receipt
        times come from it, so latencies compare one clock with itself.
        Read at most once a second per cursor (DB_CLOCK_REUSE), advanced by
        the machine's monotonic clock in between: not a query per message.
        CLOCK_MONOTONIC directly, which freezegun leaves alone."""
        cr = self.env.cr
        cache = getattr(cr, "cache", None)  # a test cursor has none
        tick = time.clock_gettime(time.CLOCK_MONOTONIC)
        anchor = cache.get("mfg_db_clock") if cache is not None else None
        if anchor is None or not 0 <= tick - anchor[1] < DB_CLOCK_REUSE:
            cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
            anchor = (cr.fetchone()[0], tick)
            if cache is not None:
                cache["mfg_db_clock"] = anchor
        return anchor[0] + timedelta(seconds=tick - anchor[1])

    def _mfg_after_outcome(self, outcome, record, extra_vals=None):
        vals = {**(extra_vals or {}), "state": outcome, "next_attempt_at": False}
        if outcome == "parked":
            vals["parked_at"] = self.parked_at or fields.Datetime.now()
        else:
            # Latency of this attempt: from its receipt, or from when a retry
            # or a replay queued it again (a replay a day later is not a day
            # of latency).
            now = self._mfg_db_now()
            vals.update(
                {
                    "processed_at": now,
                    "latency_ms": round(
                        (now - (self.queued_at or self.create_date)).total_seconds()
                        * 1000
                    ),
                    "attempts": self.attempts + 1,
                    "error_kind": False,
                    "error_text": False,
                    "error_details": False,
                }
            )
        if record:
            vals.update({"res_model": record._name, "res_id": record.id})
        self._mfg_bookkeeping().write(vals)
        self._mfg_outcome_reached(outcome, record=record or None)
        if outcome == "done":
            if self.direction == "outbound":
                self.flow_id._mfg_endpoint_delivered()
            self._mfg_close_exception_activity()

    def _mfg_prepare_inbound(self, claimed=None, vals=None):
        """Map and validate, decide on order. Returns (outcome, canonical, vals):
        outcome None when the handler must run; ``vals`` (filled as it goes,
        kept when a later step fails) to write with the outcome."""
        flow = self.flow_id
        vals = {} if vals is None else vals
        # Parse, then map: one mapping step whatever the wire format.
        notes = []
        try:
            parsed = flow._mfg_parse_wire(
                flow.code,
                self.content_type,
                self.payload_raw,
                wire_format=flow.payload_format,
                xsd_dir=flow.connector_id.sudo().xsd_dir,
                notes=notes,
            )
        except (ValueError, SyntaxError) as err:
            raise MfgValidationError(
                self.env._("The stored payload cannot be read: %s", err)
            ) from err
        canonical = flow._map_inbound(parsed)
        flow._validate_canonical(canonical)
        vals["payload_canonical"] = hashing.canonical_json(canonical)
        if notes:
            # What the wire format's parser did not apply, for a person to see.
            vals["format_notes"] = "Elements not read (ignored):\n" + "\n".join(notes)
        key, seq = canonical.get("ordering_key"), canonical.get("sequence")
        if not (key and seq):
            return None, canonical, vals
        vals.update({"ordering_key": key, "sequence": seq})
        if claimed is None:
            claimed = ordering.ClaimedKeys()
        claim = (self.connector_id.id, key)
        if not claimed.holds(claim):
            # A key the drain could not see before preparing (a wire format
            # other than JSON, a mapped key): claimed now, or it waits.
            self.flush_model(["state", "ordering_key", "sequence"])
            if not ordering_keys.claim(self.env.cr, claim[0], [key], claimed):
                return ordering.BUSY, canonical, vals
        decision = claimed.decide(claim, seq)
        if decision == ordering.PARK:
            return "parked", canonical, vals
        if decision == ordering.DUPLICATE:
            return "duplicate", canonical, vals
        return None, canonical, vals

    def _mfg_apply_inbound(self, canonical):
        """Run the handler the flow's declaration names, as the technical user:
        ``env[model]._handler(message, payload)`` (ENGINE_API.md §2)."""
        spec = self.flow_id._get_spec()
        message = self._mfg_as_technical_user()
        handler = getattr(message.env[spec.model], spec.handler)
        return "done", handler(message, canonical)

    def _mfg_as_technical_user(self):
        connector = self.connector_id
        user = connector.technical_user_id
        if not user:
            raise MfgValidationError(
                self.env._("Connector %s has no technical user.", connector.name)
            )
        return connector._mfg_as_technical_user(self)

    def _mfg_last_applied(self, ordering_key=None):
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT COALESCE(MAX(sequence), 0) FROM mfg_sync_message
             WHERE connector_id = %s AND ordering_key = %s
               AND direction = 'inbound' AND state IN ('done', 'ignored')
            """,
            [self.connector_id.id, ordering_key or self.ordering_key],
        )
        return self.env.cr.fetchone()[0]

    def _mfg_release_next_in_order(self, claimed):
        """This message is applied: its parked successor is queued again (and
        returned, for the batch to take while it has room; else the next
        drain takes it), and parked copies of sequences applied by now are
        duplicates. Nothing is processed here: no recursion."""
        if not (self.direction == "inbound" and self.ordering_key and self.sequence):
            return self.browse()
        claim = (self.connector_id.id, self.ordering_key)
        if not claimed.holds(claim):
            return self.browse()
        if not claimed.note_applied(claim, self.sequence):
            return self.browse()  # no parked message of the key: the usual case
        return self._mfg_move_parked(*claim, claimed.last[claim])

    @api.model
    def _mfg_move_parked(self, connector_id, ordering_key, last_applied):
        """Parked messages of a key this transaction holds, once
        ``last_applied`` is applied: the next one queued, copies of applied
        sequences duplicate. Returns the queued ones."""
        self.flush_model()
        self.env.cr.execute(
            """
            UPDATE mfg_sync_message
               SET state = CASE WHEN sequence <= %(last)s
                                THEN 'duplicate' ELSE 'queued' END,
                   next_attempt_at = NULL
             WHERE connector_id = %(connector)s AND ordering_key = %(key)s
               AND direction = 'inbound' AND state = 'parked'
               AND sequence <= %(last)s + 1
            RETURNING id
            """,
            {"connector": connector_id, "key": ordering_key, "last": last_applied},
        )
        moved = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not moved:
            return moved
        moved.invalidate_recordset(["state", "next_attempt_at"])
        for message in moved.filtered("exception_activity_id"):
            message._mfg_close_exception_activity()
        released = moved.filtered(lambda m: m.state == "queued")
        drain_after_commit(self.env.cr, released.flow_id.ids)
        return released

    # ------------------------------------------------------------- outbound
    def _mfg_send_outbound(self):
        connector, flow = self.connector_id, self.flow_id
        if not connector.base_url:
            raise MfgError(self.env._("Connector %s has no base URL.", connector.name))
        payload = flow._map_outbound(json.loads(self.payload_canonical))
        # The flow's wire format: canonical JSON, or a renderer's document.
        body, content_type = flow._render_outbound(payload, self)
        body, content_type, envelope_headers = flow._wrap_envelope(
            body, content_type, self
        )
        url = f"{connector.base_url.rstrip('/')}/{flow.code}"
        headers = {
            "Content-Type": content_type,
            "Idempotency-Key": self.idempotency_key,
            "X-Correlation-Id": self.correlation_id or self.idempotency_key,
            **envelope_headers,
        }
        headers.update(connector._build_auth_headers(body, msg_id=self.idempotency_key))
        try:
            response = self._mfg_post_same_origin(url, body, headers)
        except requests.Timeout as err:
            raise MfgTransientError(self.env._("Timeout calling %s", url)) from err
        except requests.ConnectionError as err:
            raise MfgTransientError(self.env._("Cannot connect to %s", url)) from err
        except outbound_safety.RedirectRefused as err:
            error = MfgError(str(err), record=self._get_business_record())
            error.http_status = err.status
            raise error from err
        self.sudo().http_status = response.status_code
        kind = error_lib.classify_http_status(response.status_code)
        if kind is None:
            return "done", self._get_business_record()
        raise self._mfg_http_error(response, url, kind)

    def _mfg_http_error(self, response, url, kind):
        """The error to raise for a non-2xx answer of the receiver."""
        text = self.env._(
            "HTTP %(status)s from %(url)s: %(body)s",
            status=response.status_code,
            url=url,
            body=self._mfg_response_excerpt(response),
        )
        if response.status_code == 410:
            error = MfgEndpointGone(text)
        elif kind == error_lib.TRANSIENT:
            error = MfgTransientError(text)
            # Bounded by the backoff cap: a receiver cannot push a retry years
            # away (nor past what a datetime holds).
            error.retry_after = backoff.parse_retry_after(
                response.headers.get("Retry-After"),
                cap=self.connector_id.backoff_cap,
            )
        else:
            error = MfgError(text, record=self._get_business_record())
        error.http_status = response.status_code
        return error

    def _mfg_post_same_origin(self, url, body, headers):
        """POST without letting the connector's credentials follow a redirect
        to another origin (requests strips Authorization there, not custom key
        headers, and turns a 301/302 POST into a GET)."""
        connector = self.connector_id
        for _hop in range(outbound_safety.MAX_REDIRECTS + 1):
            response = requests.post(
                url,
                data=body,
                headers=headers,
                auth=connector._build_basic_auth(),
                timeout=(connector.connect_timeout, connector.read_timeout),
                allow_redirects=False,
            )
            if response.status_code not in outbound_safety.REDIRECT_STATUSES:
                return response
            url = outbound_safety.redirect_target(
                url, response.status_code, response.headers.get("Location")
            )
        raise outbound_safety.RedirectRefused(
            response.status_code, url, "too many redirects"
        )

    def _mfg_response_excerpt(self, response):
        """The receiver's answer as it may be kept on the message: bounded,
        escaped, without the connector's secrets (an echo of our headers)."""
        connector = self.connector_id
        secrets = [connector._get_secret("outbound_secret")]
        secrets += connector._get_inbound_secrets()
        return outbound_safety.excerpt(response.text, secrets)

    # -------------------------------------------------------------- failure
    def _mfg_fail(
        self,
        kind,
        text,
        details=None,
        record=None,
        user=None,
        retry_after=None,
        http_status=None,
        extra_vals=None,
        technical=None,
    ):
        self.ensure_one()
        attempts = self.attempts + 1
        # External text (a receiver's answer, a value echoed in an error) may
        # hold what PostgreSQL refuses: NUL, lone surrogates.
        text = error_lib.safe_text(text)
        vals = {
            **(extra_vals or {}),
            "attempts": attempts,
            "error_kind": kind,
            "error_text": text,
            "error_details": json.dumps(details) if details else False,
            "error_technical": technical or False,
        }
        if http_status:
            vals["http_status"] = http_status
        if record:
            vals.update({"res_model": record._name, "res_id": record.id})
        # An outage is a failure that follows another one with no success in
        # between (a lone failure is this message's own problem, so far).
        in_outage = False
        if self.direction == "outbound":
            in_outage = self.flow_id._mfg_endpoint_in_outage()
            self._mfg_note_endpoint_outcome(kind, text, http_status)
        delay = None
        if kind == error_lib.TRANSIENT:
            delay = self._mfg_retry_delay(attempts, retry_after, in_outage)
        retry = delay is not None
        if retry:
            # Whole seconds: the drain compares with Datetime.now(), which has
            # none; a fraction would miss its retry job and wait for the cron.
            due = backoff.ceil_to_second(
                fields.Datetime.now() + timedelta(seconds=delay)
            )
            vals.update({"state": "queued", "next_attempt_at": due, "queued_at": due})
        else:
            vals.update(
                {
                    "state": "dead" if kind == error_lib.TRANSIENT else "failed",
                    "processed_at": fields.Datetime.now(),
                }
            )
        self._mfg_bookkeeping().write(vals)
        # Stored before anyone is told: a value the database refuses (a lone
        # surrogate in the canonical payload learnt while preparing) fails here,
        # inside the message's savepoint (see _mfg_process_guarded), not in the
        # activity's notification mail, which Odoo may send at once.
        self._mfg_bookkeeping().flush_recordset()
        self._mfg_outcome_reached(vals["state"])
        _logger.info(
            "mfg message %s [%s] %s: %s (%s)",
            self.id,
            self.correlation_id or self.idempotency_key,
            vals["state"],
            kind,
            text.splitlines()[0] if text else "",
        )
        if retry:
            self.flow_id._schedule_drain(eta=vals["next_attempt_at"])
        else:
            self._mfg_open_exception_activity(text, record=record, user=user)

    def _mfg_retry_delay(self, attempts, retry_after=None, in_outage=False):
        """Seconds before the next attempt after ``attempts`` failed ones, or
        None when the message has no attempt left. Outbound messages follow the
        connector's delivery schedule, and wait for an endpoint ``in_outage``
        instead of going dead; inbound ones back off exponentially."""
        connector = self.connector_id
        cap = max(connector.backoff_cap, 1)
        retry_after = min(retry_after or 0, cap)
        if self.direction != "outbound":
            if attempts >= connector.max_attempts:
                return None
            delay = backoff.retry_delay(attempts, connector.backoff_base, cap)
            return max(delay, retry_after)
        delays = connector._mfg_delivery_delays()
        delay = backoff.schedule_delay(delays, attempts)
        if delay is None and in_outage:
            # The outage, not the message, is at fault: wait at the last step.
            delay = backoff.schedule_delay(delays, len(delays) - 1)
        if delay is None:
            return None
        return max(delay, retry_after)

    def _mfg_note_endpoint_outcome(self, kind, text, http_status):
        """A transient failure counts against the endpoint (and may disable it
        after a long outage); any other answer shows that it is up."""
        flow = self.flow_id
        if kind == error_lib.TRANSIENT:
            flow._mfg_endpoint_failed(text)
        elif http_status:
            flow._mfg_endpoint_delivered()

    def _mfg_wait_endpoint_gone(self, text, http_status):
        """410 Gone: disable the flow's endpoint; the message waits for it."""
        self._mfg_bookkeeping().write(
            {
                "attempts": self.attempts + 1,
                "http_status": http_status,
                "error_kind": error_lib.PERMANENT,
                "error_text": text,
                "next_attempt_at": False,
            }
        )
        self.flow_id._mfg_disable_endpoint(
            self.env._("the receiver answered 410 Gone (%s)", self.name)
        )

    def _mfg_open_exception_activity(self, text, record=None, user=None):
        target = record or self._get_business_record() or self
        digest = hashlib.sha1((text or "").encode()).hexdigest()[:12]
        key = f"{self.flow_code}:{self.error_kind}:{digest}"
        summary = self.env._(
            "%(flow)s failed (%(kind)s)", flow=self.flow_code, kind=self.error_kind
        )
        # External text (a receiver's answer, a sender's value) is escaped:
        # the note is HTML shown to a person.
        note = Markup(
            self.env._(
                "<p>%(text)s</p><p>Message: %(name)s (id %(id)s). "
                "Fix the data, then replay it.</p>"
            )
        ) % {"text": text, "name": self.name, "id": self.id}
        activity = self.env["mail.activity"]._mfg_upsert_exception(
            target.sudo(),
            key,
            summary,
            note,
            user or self.connector_id._mfg_responsible(self.flow_id, record=target),
        )
        self._mfg_bookkeeping().exception_activity_id = activity

    def _mfg_close_exception_activity(self, feedback=None):
        activity = self.sudo().exception_activity_id
        if not activity:
            return
        others = self.sudo().search_count(
            [
                ("exception_activity_id", "=", activity.id),
                ("id", "!=", self.id),
                ("state", "in", ("failed", "dead", "parked")),
            ]
        )
        self._mfg_bookkeeping().exception_activity_id = False
        if not others and activity.exists():
            activity.action_feedback(
                feedback=feedback
                or self.env._("Closed: message %s was processed.", self.name)
            )

    # ------------------------------------------------------- ordering crons
    @api.model
    def _mfg_release_parked(self):
        """Safety net of the drains: requeue parked messages whose predecessor
        is applied, and mark parked copies of applied sequences duplicate, for
        the keys no drain holds now (a drain holding one does it itself)."""
        self.flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT connector_id, ordering_key FROM mfg_sync_message
             WHERE state = 'parked' AND direction = 'inbound'
               AND ordering_key IS NOT NULL AND sequence IS NOT NULL
            """
        )
        by_connector = defaultdict(set)
        for connector_id, key in self.env.cr.fetchall():
            by_connector[connector_id].add(key)
        claimed = ordering.ClaimedKeys()
        for connector_id, keys in sorted(by_connector.items()):
            ordering_keys.claim(self.env.cr, connector_id, keys, claimed)
        released = self.sudo().browse()
        for (connector_id, key), last_applied in sorted(claimed.last.items()):
            released |= self._mfg_move_parked(connector_id, key, last_applied)
        released.flow_id._schedule_drain(eta=fields.Datetime.now())
        return released

    @api.model
    def _mfg_expire_gaps(self):
        """A gap older than its flow allows becomes an exception activity."""
        now = fields.Datetime.now()
        parked = self.sudo().search(
            [("state", "=", "parked"), ("exception_activity_id", "=", False)]
        )
        for message in parked:
            timeout = message.flow_id.gap_timeout_minutes * 60
            if not ordering.gap_expired(message.parked_at, now, timeout):
                continue
            text = self.env._(
                "Sequence %(seq)s of %(key)s waits since %(since)s for sequence "
                "%(missing)s, which never arrived. Ask the sender to resend it, "
                "or ignore this message.",
                seq=message.sequence,
                key=message.ordering_key,
                since=message.parked_at,
                missing=message._mfg_last_applied() + 1,
            )
            message.write({"error_kind": "conflict", "error_text": text})
            message._mfg_open_exception_activity(
                text, record=message._mfg_ordering_record()
            )

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue #13 item 4 and #12 item 14: unauthenticated traffic is cheap, and the
rate limit is taken before any write and atomically."""

import json
import logging
import threading
import time
import uuid

from odoo.sql_db import db_connect
from odoo.tests import tagged

from ..services import rate_limit, rejections
from .common import MfgCommon, MfgHttpCommon

REJECTIONS_LOG = "odoo.addons.mfg_integration_base.services.rejections"


def upsert(external_id="P-1"):
    return {
        "schema_version": "1.0",
        "external_id": external_id,
        "values": {"name": "Partner " + external_id},
    }


@tagged("post_install", "-at_install")
class TestUnauthenticatedIsCheap(MfgHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls._mfg_partner_upsert_connector("cheap1")

    def _rows(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT COUNT(*) FROM mfg_sync_message")
        messages = self.env.cr.fetchone()[0]
        self.env.cr.execute("SELECT COUNT(*) FROM mail_message")
        return messages, self.env.cr.fetchone()[0]

    def _refused(self, connector_id):
        rejections.flush(self.registry)
        self.env.cr.execute(
            f"SELECT reason, count FROM {rejections.TABLE} WHERE connector_id = %s"
            " AND day = (now() at time zone 'UTC')::date",
            [connector_id],
        )
        return dict(self.env.cr.fetchall())

    def test_refused_requests_store_nothing_and_are_counted(self):
        c = self.connector
        big = json.dumps(upsert()).encode() + b" " * 2_000_000
        # (label, post arguments, status, counted under connector, reason)
        cases = [
            ("unknown connector", ("nope", "generic.record.upsert"), {}, 404, 0),
            ("unknown flow", (c, "generic.nothing"), {}, 404, 0),
            ("unsigned", (c, "generic.record.upsert"), {"sign": False}, 401, c.id),
            (
                "wrong secret",
                (c, "generic.record.upsert"),
                {"secret": "whsec_d3Jvbmc="},
                401,
                c.id,
            ),
            (
                "expired",
                (c, "generic.record.upsert"),
                {"timestamp": time.time() - 3600},
                401,
                c.id,
            ),
            (
                "webhook-id of 3,000 characters, unsigned",
                (c, "generic.record.upsert"),
                {"sign": False, "headers": {"webhook-id": "x" * 3000}},
                401,
                c.id,
            ),
            (
                "timestamp of 400 digits",
                (c, "generic.record.upsert"),
                {"timestamp": None, "headers": {"webhook-timestamp": "9" * 400}},
                401,
                c.id,
            ),
            (
                "body over the limit",
                (c, "generic.record.upsert"),
                {"body": big},
                413,
                c.id,
            ),
        ]
        reasons = {404: "not_found", 401: "unauthorized", 413: "payload_too_large"}
        for label, args, kwargs, status, counted_under in cases:
            with self.subTest(label):
                kwargs.setdefault("payload", upsert())
                before_rows = self._rows()
                before = self._refused(counted_under).get(reasons[status], 0)
                with self.assertLogs(REJECTIONS_LOG, logging.INFO) as logs:
                    response = self._mfg_post(*args, **kwargs)
                self.assertEqual(response.status_code, status, response.text)
                self.assertEqual(len(logs.output), 1, "one log line per refusal")
                self.assertEqual(self._rows(), before_rows, "nothing stored")
                after = self._refused(counted_under).get(reasons[status], 0)
                self.assertEqual(after, before + 1)
        self.assertGreaterEqual(c.stat_refused_today, 6)
        self.assertIn("unauthorized", c.stat_refused_detail)

    def test_unknown_routes_do_not_fill_the_cache(self):
        self._mfg_post(self.connector, "generic.record.upsert", upsert("warm"))
        before = self._connector_cache_entries()
        for _i in range(20):
            response = self._mfg_post(
                uuid.uuid4().hex[:12], uuid.uuid4().hex[:20], upsert()
            )
            self.assertEqual(response.status_code, 404)
        self.assertLessEqual(self._connector_cache_entries(), before + 1)

    def _connector_cache_entries(self):
        cache = self.registry._Registry__caches["default"]
        return sum(1 for key in list(cache.keys()) if key and key[0] == "mfg.connector")

    def test_rate_limit_stores_nothing_and_says_so(self):
        self.connector.inbound_rate_limit = 5
        statuses = []
        before_rows = self._rows()
        for i in range(7):
            with self.assertNoLogs(REJECTIONS_LOG, logging.WARNING):
                response = self._mfg_post(
                    self.connector, "generic.record.upsert", upsert(f"RL{i}")
                )
            statuses.append(response.status_code)
            if response.status_code == 429:
                body = response.json()
                self.assertEqual(body["error"], "rate_limited")
                self.assertIn("Nothing was stored", body["message"])
                self.assertGreaterEqual(int(response.headers["Retry-After"]), 1)
        self.assertEqual(statuses, [202] * 5 + [429] * 2)
        messages, _mails = self._rows()
        self.assertEqual(messages, before_rows[0] + 5, "the 429s stored nothing")
        self.assertEqual(self._refused(self.connector.id).get("rate_limited"), 2)


class TestRateLimitIsAtomic(MfgCommon):
    def test_parallel_requests_never_exceed_the_limit(self):
        """10 transactions at once on their own connections, limit 5."""
        dbname = self.env.cr.dbname
        bucket = 2_000_000_000 + int(time.time()) % 100_000
        results, barrier = [], threading.Barrier(10)

        def request():
            with db_connect(dbname).cursor() as cr:
                barrier.wait(timeout=30)
                results.append(rate_limit.take(cr, bucket, 5))

        threads = [threading.Thread(target=request) for _i in range(10)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        finally:
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    f"DELETE FROM {rate_limit.BUCKET_TABLE} WHERE connector_id = %s",
                    [bucket],
                )
        self.assertEqual(len(results), 10)
        self.assertEqual(sum(1 for wait in results if wait == 0), 5)
        self.assertTrue(all(wait >= 1 for wait in results if wait))

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Order is the engine's, not the channel's (issue 15): 50 MOs' shop-floor
events, scrambled and partly resent, drained by four drains at once (a channel
of capacity 4, each drain a thread with its own database connection, as four
job workers) end exactly as the same events applied in order, one at a time.

Real transactions: the shop (a plant of its own, so that nothing else in the
database sees it) is committed; the in-order reference run is rolled back
before the parallel run starts from the same state."""

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..core import flows as mes_flows
from .common import order_snapshot
from .mes_streams import order_stream, renamed, shuffled_with_duplicates

MOS = 50
CAPACITY = 4
DEADLINE_SECONDS = 600


@tagged("post_install", "-at_install")
class TestMesParallelDrains(TransactionCase):
    def setUp(self):
        super().setUp()
        self.tag = uuid.uuid4().hex[:6]
        with self.registry.cursor() as cr:
            self.ids = self._build_shop(api.Environment(cr, SUPERUSER_ID, {}))
        self.addCleanup(self._clean_up)

    # ------------------------------------------------------------ fixtures
    def _build_shop(self, env):
        tag = self.tag
        company = env["res.company"].create({"name": f"MES parallel {tag}"})
        env = env(context={"allowed_company_ids": company.ids})
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", company.id)], limit=1)
            .lot_stock_id
        )
        tech = env["res.users"].create(
            {
                "name": f"MES parallel {tag}",
                "login": f"mes_parallel_{tag}",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [
                    (4, env.ref("base.group_user").id),
                    (4, env.ref("mes_connector.mes_connector_group_technical").id),
                ],
            }
        )
        connector = env["mfg.connector"].create(
            {
                "name": f"MES parallel {tag}",
                "code": f"mes-par-{tag}",
                "kind": "mes",
                "company_id": company.id,
                "technical_user_id": tech.id,
                "mes_auto_done": True,
                # four drains on one shop conflict on shared rows (a lot's
                # quant): such a message is retried, soon, as often as needed
                "backoff_base": 1,
                "backoff_cap": 2,
                "max_attempts": 1000,
            }
        )
        for code in mes_flows.INBOUND_FLOWS:
            env["mfg.flow"].create(
                {"connector_id": connector.id, "code": code, "batch_size": 20}
            )
        connector.action_activate()
        workcenter = env["mrp.workcenter"]
        cut = workcenter.create(
            {"name": f"Cut {tag}", "code": f"CUT-{tag}", "company_id": company.id}
        )
        asm = workcenter.create(
            {"name": f"Asm {tag}", "code": f"ASM-{tag}", "company_id": company.id}
        )
        product = env["product.product"]
        finished = product.create(
            {
                "name": f"Table {tag}",
                "default_code": f"FG-{tag}",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        screw = product.create(
            {
                "name": f"Screw {tag}",
                "default_code": f"SCREW-{tag}",
                "is_storable": True,
            }
        )
        board = product.create(
            {
                "name": f"Board {tag}",
                "default_code": f"BOARD-{tag}",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        lot = env["stock.lot"]
        board_lots = [
            lot.create(
                {
                    "name": f"B{n}-{tag}",
                    "product_id": board.id,
                    "company_id": company.id,
                }
            )
            for n in (1, 2)
        ]
        lot.create(
            {"name": f"T-{tag}", "product_id": finished.id, "company_id": company.id}
        )
        bom = env["mrp.bom"].create(
            {
                "product_tmpl_id": finished.product_tmpl_id.id,
                "company_id": company.id,
                "consumption": "flexible",
                "operation_ids": [
                    (0, 0, {"name": "Cutting", "workcenter_id": cut.id, "sequence": 1}),
                    (
                        0,
                        0,
                        {"name": "Assembly", "workcenter_id": asm.id, "sequence": 2},
                    ),
                ],
                "bom_line_ids": [
                    (0, 0, {"product_id": screw.id, "product_qty": 4}),
                    (0, 0, {"product_id": board.id, "product_qty": 1}),
                ],
            }
        )
        quant = env["stock.quant"]
        quant._update_available_quantity(screw, stock, 30.0 * MOS)
        for board_lot in board_lots:
            quant._update_available_quantity(board, stock, 4.0 * MOS, lot_id=board_lot)
        productions = env["mrp.production"].create(
            [
                {
                    "product_id": finished.id,
                    "product_qty": 5.0,
                    "bom_id": bom.id,
                    "company_id": company.id,
                }
                for _n in range(MOS)
            ]
        )
        productions.action_confirm()
        names = {
            "C-BOARD": board.default_code,
            "C-SCREW": screw.default_code,
            "BOARD-1": board_lots[0].name,
            "BOARD-2": board_lots[1].name,
            "TABLE-1": f"T-{tag}",
            "MES-CUT": cut.code,
        }
        return {
            "connector": connector.id,
            "flows": connector.flow_ids.ids,
            "productions": productions.ids,
            "products": (finished | screw | board).ids,
            "workcenters": (cut | asm).ids,
            "bom": bom.id,
            "names": names,
        }

    def _clean_up(self):
        """The engine's rows go; the plant's business records stay (done MOs
        and their stock cannot be deleted in Odoo) in a company of their own,
        and what other tests list across companies is archived."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            connector = env["mfg.connector"].browse(self.ids["connector"])
            cr.execute(
                "DELETE FROM queue_job WHERE identity_key LIKE ANY(%s)",
                [[f"mfg.flow._mfg_drain:{flow_id}%" for flow_id in self.ids["flows"]]],
            )
            cr.execute(
                "DELETE FROM mfg_sync_message WHERE connector_id = %s", [connector.id]
            )
            connector.write({"state": "paused", "active": False})
            connector.technical_user_id.active = False
            env["mrp.workcenter"].browse(self.ids["workcenters"]).active = False
            env["mrp.bom"].browse(self.ids["bom"]).active = False
            env["product.product"].browse(self.ids["products"]).active = False

    # --------------------------------------------------------------- steps
    def _events(self, env):
        productions = env["mrp.production"].browse(self.ids["productions"])
        events = []
        for production in productions:
            events += renamed(order_stream(production.name), self.ids["names"])
        return events

    def _store(self, env, events):
        """Store the events as the webhook does (key and sequence included)."""
        connector = env["mfg.connector"].browse(self.ids["connector"])
        flows = {flow.code: flow.id for flow in connector.flow_ids}
        env["mfg.sync.message"].with_user(connector.technical_user_id).sudo().create(
            [
                {
                    "direction": "inbound",
                    "connector_id": connector.id,
                    "flow_id": flows[flow_code],
                    "flow_code": flow_code,
                    "idempotency_key": uuid.uuid4().hex,
                    "content_type": "application/json",
                    "payload_raw": json.dumps(payload),
                    "ordering_key": payload["ordering_key"],
                    "sequence": payload["sequence"],
                    "state": "queued",
                }
                for flow_code, payload in events
            ]
        )

    def _drain_once(self, env, slot):
        """What the job runner does for one drain job of each flow with due
        messages: the job runs as the connector's technical user."""
        processed = 0
        for flow in env["mfg.flow"].browse(self.ids["flows"]):
            runner = flow.sudo().connector_id._mfg_as_technical_user(flow)
            processed += int(runner._mfg_drain(slot).split()[0])
        return processed

    def _open_states(self, env):
        env.cr.execute(
            "SELECT state, count(*) FROM mfg_sync_message "
            "WHERE connector_id = %s GROUP BY state",
            [self.ids["connector"]],
        )
        return dict(env.cr.fetchall())

    def _snapshot(self, env):
        """What users see of the 50 MOs: states, quantities, moves, work order
        times; and the plant's stock per product, lot and location."""
        env.invalidate_all()
        productions = env["mrp.production"].browse(self.ids["productions"])
        orders = {
            production.name: order_snapshot(production) for production in productions
        }
        stock = {}
        quants = env["stock.quant"].search([("product_id", "in", self.ids["products"])])
        for quant in quants:
            key = (
                quant.product_id.default_code,
                quant.lot_id.name or "",
                quant.location_id.complete_name,
            )
            stock[key] = round(stock.get(key, 0.0) + quant.quantity, 4)
        return {"orders": orders, "stock": {k: q for k, q in stock.items() if q}}

    def _thread_env(self, cr):
        """A worker thread's environment, built on this test's registry: for a
        new cursor, Environment calls Registry(dbname), which waits for the
        registry lock that Odoo's runner holds in the main thread during the
        post-install tests (the test hung there)."""
        cr.transaction = api.Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    # ---------------------------------------------------------------- test
    def test_shuffled_resent_events_drained_four_at_once_end_as_in_order(self):
        # The reference: every event in order, one drain at a time; rolled back.
        cr = self.registry.cursor()
        try:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._store(env, self._events(env))
            for _round in range(100):
                if not self._drain_once(env, 0):
                    break
            states = self._open_states(env)
            self.assertEqual(states, {"done": MOS * 13}, "the reference run failed")
            expected = self._snapshot(env)
        finally:
            cr.rollback()
            cr.close()
        self.assertEqual(
            {order["state"] for order in expected["orders"].values()}, {"done"}
        )

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            events = self._events(env)
            self._store(env, shuffled_with_duplicates(events, seed=15, duplicates=MOS))

        stop = time.monotonic() + DEADLINE_SECONDS

        def worker(slot):
            """One job worker: drain after drain until every message is final."""
            while time.monotonic() < stop:
                with self.registry.cursor() as cr:
                    processed = self._drain_once(self._thread_env(cr), slot)
                with self.registry.cursor() as cr:
                    open_states = self._open_states(self._thread_env(cr))
                if set(open_states) <= {"done", "duplicate"}:
                    return
                if not processed:
                    time.sleep(0.2)  # a retry's delay, or keys held by others

        # Four drains on shared rows (a lot's quant) meet serialization
        # failures: PostgreSQL's answer, logged by the cursor, retried by
        # the engine.
        with mute_logger("odoo.sql_db"), ThreadPoolExecutor(CAPACITY) as pool:
            drains = [pool.submit(worker, slot) for slot in range(CAPACITY)]
            for drain in drains:
                drain.result()  # a drain's exception fails the test here

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                self._open_states(env), {"done": MOS * 13, "duplicate": MOS}
            )
            self.assertEqual(self._snapshot(env), expected)

#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: failed inspections and releases through quality_bridge vs bare
Odoo transfers of the same lots, measured in the same run.

    python3 bench/quality_bridge_quarantine.py -c odoo.conf -d DATABASE [--lots 200]

The database needs quality_bridge installed. Everything happens in one
transaction that is rolled back at the end: the database is left as it was.

Scenarios, each on --lots lots of 10 units in WH/Stock:

- fail: "quality_bridge" stores one `quality.inspection.result` message per lot
  (as the webhook does after its checks) and runs the flow's drain job: schema
  validation, lot resolution, quarantine transfer (validated), hold, inspection
  with two characteristics, nonconformance, outbox message. "bare ORM" creates
  and validates one internal transfer per lot, stock -> quarantine, by hand.
- release: from quarantine, one `quality.disposition.decided` (release, all)
  per lot vs one bare internal transfer per lot, quarantine -> stock.

Both variants run as the connector's technical user. Each variant runs
--repeat times (fresh savepoint each time); the best time counts.
"""

import argparse
import json
import os
import platform
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "quality_bridge_quarantine.json")
TECH_GROUPS = (
    "base.group_user",
    "mfg_integration_base.mfg_integration_base_group_technical",
    "stock.group_stock_user",
    "mrp.group_mrp_user",
    "purchase.group_purchase_user",
    "maintenance.group_equipment_manager",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--lots", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", default=RESULTS)
    return parser.parse_args()


class Setup:
    def __init__(self, env, lots):
        self.env = env
        code = "bench-qms-" + uuid.uuid4().hex[:6]
        tech = env["res.users"].create(
            {
                "name": "Bench QMS",
                "login": code,
                "groups_id": [(6, 0, [env.ref(g).id for g in TECH_GROUPS])],
            }
        )
        self.connector = env["mfg.connector"].create(
            {
                "name": code,
                "code": code,
                "kind": "quality",
                "technical_user_id": tech.id,
                "responsible_user_id": env.ref("base.user_admin").id,
            }
        )
        for flow_code in (
            "quality.inspection.result",
            "quality.disposition.decided",
            "quality.nonconformance.changed",
        ):
            env["mfg.flow"].create(
                {"connector_id": self.connector.id, "code": flow_code}
            )
        self.connector.action_activate()
        self.tech = tech
        self.warehouse = env["stock.warehouse"].search(
            [("company_id", "=", env.company.id)], limit=1
        )
        self.stock = self.warehouse.lot_stock_id
        self.quarantine = self.warehouse.mfg_quarantine_location_id
        self.product = env["product.product"].create(
            {
                "name": "Bench bracket",
                "default_code": code.upper(),
                "type": "consu",
                "is_storable": True,
                "tracking": "lot",
            }
        )
        self.lots = env["stock.lot"].create(
            [
                {"name": f"{code}-L{i:05d}", "product_id": self.product.id}
                for i in range(lots)
            ]
        )
        for lot in self.lots:
            env["stock.quant"]._update_available_quantity(
                self.product, self.stock, 10.0, lot_id=lot
            )
        env.flush_all()

    # ------------------------------------------------------------ engine
    def _store(self, flow_code, payloads):
        flow = self.connector.flow_ids.filtered(lambda f: f.code == flow_code)
        Message = self.env["mfg.sync.message"].with_user(self.tech)
        return Message.create(
            [
                {
                    "direction": "inbound",
                    "connector_id": self.connector.id,
                    "flow_id": flow.id,
                    "flow_code": flow_code,
                    "idempotency_key": uuid.uuid4().hex,
                    "content_type": "application/json",
                    "payload_raw": json.dumps(dict(p, schema_version="1.0")),
                    "state": "queued",
                }
                for p in payloads
            ]
        ).sudo()

    def _drain(self, flow_code, messages):
        flow = self.connector.flow_ids.filtered(lambda f: f.code == flow_code)
        for _round in range(10000):
            if not messages.filtered(lambda m: m.state == "queued"):
                break
            flow._mfg_drain()
            messages.invalidate_recordset(["state"])
        bad = messages.filtered(lambda m: m.state != "done")
        if bad:
            raise SystemExit(f"{len(bad)} message(s) not done: {bad[:1].error_text}")

    def quality_fail(self):
        payloads = [
            {
                "inspection_id": f"BENCH-{lot.name}",
                "verdict": "fail",
                "product": self.product.default_code,
                "lot": lot.name,
                "characteristics": [
                    {
                        "name": "Bore",
                        "value": 10.7,
                        "unit": "mm",
                        "lower_limit": 9.5,
                        "upper_limit": 10.5,
                    },
                    {"name": "Surface", "value": "ok", "verdict": "pass"},
                ],
            }
            for lot in self.lots
        ]
        self._drain(
            "quality.inspection.result",
            self._store("quality.inspection.result", payloads),
        )

    def quality_release(self):
        ncs = self.env["mfg.quality.nonconformance"].search(
            [("lot_id", "in", self.lots.ids), ("state", "!=", "closed")]
        )
        payloads = [
            {
                "nonconformance": nc.name,
                "disposition": "release",
                "quantity": nc.quantity,
            }
            for nc in ncs
        ]
        self._drain(
            "quality.disposition.decided",
            self._store("quality.disposition.decided", payloads),
        )

    # ---------------------------------------------------------- bare ORM
    def _bare_transfer(self, source, dest):
        env = self.env(user=self.tech)
        picking_type = self.warehouse.int_type_id
        for lot in self.lots.with_env(env):
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": picking_type.id,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "name": lot.name,
                                "product_id": self.product.id,
                                "product_uom": self.product.uom_id.id,
                                "product_uom_qty": 10.0,
                                "location_id": source.id,
                                "location_dest_id": dest.id,
                            },
                        )
                    ],
                }
            )
            picking.action_confirm()
            move = picking.move_ids
            move.move_line_ids.unlink()
            env["stock.move.line"].create(
                {
                    "move_id": move.id,
                    "picking_id": picking.id,
                    "product_id": self.product.id,
                    "product_uom_id": self.product.uom_id.id,
                    "lot_id": lot.id,
                    "quantity": 10.0,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                }
            )
            move.picked = True
            picking.with_context(skip_backorder=True).button_validate()

    def bare_fail(self):
        self._bare_transfer(self.stock, self.quarantine)

    def bare_release(self):
        self._bare_transfer(self.quarantine, self.stock)

    def quarantined(self):
        quants = self.env["stock.quant"].search(
            [("lot_id", "in", self.lots.ids), ("location_id", "=", self.quarantine.id)]
        )
        return sum(quants.mapped("quantity"))


def main():
    args = parse_args()
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    expected = 10.0 * args.lots
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        try:
            setup = Setup(env, args.lots)
            scenarios = (
                (
                    "fail -> quarantine",
                    None,
                    setup.bare_fail,
                    setup.quality_fail,
                    expected,
                ),
                (
                    "release from quarantine",
                    "fail",
                    setup.bare_release,
                    setup.quality_release,
                    0.0,
                ),
            )
            for name, before, bare, quality, quarantined in scenarios:
                timings = {"bare ORM": [], "quality_bridge": []}
                for _round in range(args.repeat):
                    for variant, run in (
                        ("bare ORM", bare),
                        ("quality_bridge", quality),
                    ):
                        savepoint = cr.savepoint()
                        try:
                            if before:
                                setup.quality_fail()
                            env.flush_all()
                            env.invalidate_all()
                            start = time.perf_counter()
                            run()
                            env.flush_all()
                            timings[variant].append(time.perf_counter() - start)
                            if setup.quarantined() != quarantined:
                                raise SystemExit(
                                    f"{name}/{variant}: wrong quarantine quantity"
                                )
                        finally:
                            savepoint.close(rollback=True)
                            env.invalidate_all()
                best_bare, best_quality = (
                    min(timings["bare ORM"]),
                    min(timings["quality_bridge"]),
                )
                rows.append(
                    {
                        "scenario": name,
                        "lots": args.lots,
                        "bare_orm_s": round(best_bare, 3),
                        "quality_bridge_s": round(best_quality, 3),
                        "ratio": round(best_quality / best_bare, 2),
                        "quality_bridge_ms_per_lot": round(
                            1000 * best_quality / args.lots, 2
                        ),
                    }
                )
        finally:
            cr.rollback()
    print(
        "| scenario | lots | bare ORM (s) | quality_bridge (s) | ratio | ms per lot |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['scenario']} | {row['lots']} | {row['bare_orm_s']} | "
            f"{row['quality_bridge_s']} | {row['ratio']} | "
            f"{row['quality_bridge_ms_per_lot']} |"
        )
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(
            {
                "benchmark": "quality_bridge_quarantine",
                "python": sys.version.split()[0],
                "machine": platform.machine(),
                "repeat": args.repeat,
                "results": rows,
            },
            handle,
            indent=2,
        )
        handle.write("\n")
    print(f"\nJSON written to {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: shop-floor events through mes_connector and the queue vs a bare ORM
script doing the same stock and work-order operations, in the same run.

    python3 bench/mes_connector_events.py -c odoo.conf -d DATABASE [--mos 1000]

The database needs mes_connector installed; the script COMMITS its seed data and
its results into it (use a database made for benchmarking, e.g.
``createdb -T <a database with mes_connector> mfg_bench_mes_connector``).

Seed (committed, then ANALYZE, before anything is measured): a finished product
with a two-operation routing (Cutting on CUT, Assembly on ASM), an untracked and a
lot-tracked component with stock, and 2 x --mos confirmed MOs: one half for each
variant, so both start from the same state.

Each MO lives 10 events, sent in rounds (event 1 of every MO, then event 2...),
as a shop floor with many orders in progress would:

  1 Cutting started        2 screws consumed       3 boards consumed (lot)
  4 Cutting finished       5 Assembly started      6 Assembly paused
  7 Assembly resumed       8 screws scrapped       9 Assembly finished
  10 production completed (quantity)

- "mes_connector": each event is stored as an inbound `mfg.sync.message` with
  the webhook's one INSERT (what the webhook does after its checks) and the
  flows' drain jobs run (what the queue_job runner does): mapping, schema
  validation, ordering by MO and sequence, resolution of MO / work order /
  product / lot by name, the handler, the message's outcome. A commit after
  each drain job, as each job is its own transaction.
- "bare ORM": the same ORM operations on records already in hand (time records,
  work order states, move lines, scrap, quantity producing), no message, no
  lookup, a commit every 200 events (the drain's batch size).

Both run as the connector's technical user. Throughput in events per second; the
ratio is mes_connector time / bare time (lower is better, goal <= 1.3).
"""

import argparse
import json
import os
import platform
import time
import uuid
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "mes_connector_events.json")
COMMIT_EVERY = 200
EVENTS_PER_MO = 10
T0 = datetime(2026, 1, 5, 6, 0, 0)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--mos", type=int, default=1000, help="MOs per variant")
    parser.add_argument("--output", default=RESULTS)
    return parser.parse_args()


def iso(value):
    return value.isoformat() + "Z"


def event_times():
    """Event time of each of the 10 events (the same for every MO)."""
    return {
        1: T0,
        4: T0 + timedelta(minutes=25),
        5: T0 + timedelta(minutes=30),
        6: T0 + timedelta(minutes=50),
        7: T0 + timedelta(minutes=55),
        9: T0 + timedelta(minutes=95),
        10: T0 + timedelta(minutes=100),
    }


# ---------------------------------------------------------------------- seed
def seed(env, mos, tag, lines=1, line_stock=False):
    """Products, BoM, work centers, stock and 2 x ``mos`` confirmed MOs. With
    ``lines`` > 1, that many production lines, each with its own two work
    centers and BoM, the MOs spread over them in turn (a shop floor's MOs in
    progress are on many machines, not all on the same two). With
    ``line_stock``, each line has its line-side location under WH/Stock, its
    components stocked there and its MOs consuming from and producing into it
    (a plant's line-side supermarket): lines share no stock row; without it,
    every MO consumes from, and produces into, the same WH/Stock quants."""
    tech = env["res.users"].create(
        {
            "name": f"Bench MES {tag}",
            "login": f"bench-mes-{tag}",
            "groups_id": [
                (
                    6,
                    0,
                    [
                        env.ref("base.group_user").id,
                        env.ref("mes_connector.mes_connector_group_technical").id,
                    ],
                )
            ],
        }
    )
    connector = env["mfg.connector"].create(
        {
            "name": f"Bench MES {tag}",
            "code": f"bench-mes-{tag}",
            "kind": "mes",
            "technical_user_id": tech.id,
            "responsible_user_id": env.ref("base.user_admin").id,
        }
    )
    for code in (
        "mes.operation.event",
        "mes.material.consumed",
        "mes.scrap.reported",
        "mes.production.completed",
    ):
        env["mfg.flow"].create({"connector_id": connector.id, "code": code})
    connector.action_activate()
    stock = env["stock.warehouse"].search(
        [("company_id", "=", env.company.id)], limit=1
    )
    stock = stock.lot_stock_id
    product = env["product.product"]
    finished = product.create(
        {"name": f"Table {tag}", "default_code": f"FG-{tag}", "is_storable": True}
    )
    screw = product.create(
        {"name": f"Screw {tag}", "default_code": f"SCREW-{tag}", "is_storable": True}
    )
    board = product.create(
        {
            "name": f"Board {tag}",
            "default_code": f"BOARD-{tag}",
            "is_storable": True,
            "tracking": "lot",
        }
    )
    lot = env["stock.lot"].create({"name": f"LOT-{tag}", "product_id": board.id})
    boms = env["mrp.bom"]
    for line in range(lines):
        suffix = f"{tag}-{line}" if line else tag
        wc_cut = env["mrp.workcenter"].create(
            {"name": f"Cut {suffix}", "code": f"CUT-{suffix}"}
        )
        wc_asm = env["mrp.workcenter"].create(
            {"name": f"Asm {suffix}", "code": f"ASM-{suffix}"}
        )
        boms |= env["mrp.bom"].create(
            {
                "product_tmpl_id": finished.product_tmpl_id.id,
                "product_qty": 1.0,
                "consumption": "flexible",
                "operation_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Cutting",
                            "workcenter_id": wc_cut.id,
                            "time_mode": "manual",
                            "time_cycle_manual": 10.0,
                            "sequence": 1,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Assembly",
                            "workcenter_id": wc_asm.id,
                            "time_mode": "manual",
                            "time_cycle_manual": 20.0,
                            "sequence": 2,
                        },
                    ),
                ],
                "bom_line_ids": [
                    (0, 0, {"product_id": screw.id, "product_qty": 4}),
                    (0, 0, {"product_id": board.id, "product_qty": 1}),
                ],
            }
        )
    places = [stock]
    if line_stock:
        places = [
            env["stock.location"].create(
                {"name": f"Line {tag}-{line}", "location_id": stock.id}
            )
            for line in range(lines)
        ]
    share = 2.0 * mos / len(places) + 2  # MOs per place, rounded up
    for place in places:
        env["stock.quant"]._update_available_quantity(screw, place, 20.0 * share)
        env["stock.quant"]._update_available_quantity(
            board, place, 4.0 * share, lot_id=lot
        )
    productions = env["mrp.production"]
    for start in range(0, 2 * mos, 100):
        vals_list = []
        for i in range(min(100, 2 * mos - start)):
            vals = {
                "product_id": finished.id,
                "product_qty": 2.0,
                "bom_id": boms[(start + i) % lines].id,
            }
            if line_stock:
                place = places[(start + i) % lines]
                vals.update({"location_src_id": place.id, "location_dest_id": place.id})
            vals_list.append(vals)
        batch = env["mrp.production"].create(vals_list)
        batch.action_confirm()
        productions |= batch
        env.cr.commit()
    return {
        "connector": connector,
        "tech": tech,
        "screw": screw,
        "board": board,
        "lot": lot,
        "stock": stock,
        "engine_mos": productions[:mos],
        "bare_mos": productions[mos:],
    }


# ------------------------------------------------------------------- engine
def engine_event(production, index, ctx):
    """Canonical payload of event ``index`` (1..10) of ``production``."""
    times = ctx["times"]
    base = {"schema_version": "1.0", "ordering_key": production.name, "sequence": index}
    op = "mes.operation.event"
    events = {
        1: (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "started",
                "timestamp": iso(times[1]),
            },
        ),
        2: ("mes.material.consumed", {"product": ctx["screw_code"], "quantity": 8}),
        3: (
            "mes.material.consumed",
            {"product": ctx["board_code"], "quantity": 2, "lot": ctx["lot_name"]},
        ),
        4: (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "finished",
                "timestamp": iso(times[4]),
            },
        ),
        5: (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "started",
                "timestamp": iso(times[5]),
            },
        ),
        6: (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "paused",
                "timestamp": iso(times[6]),
            },
        ),
        7: (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "resumed",
                "timestamp": iso(times[7]),
            },
        ),
        8: ("mes.scrap.reported", {"product": ctx["screw_code"], "quantity": 1}),
        9: (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "finished",
                "timestamp": iso(times[9]),
            },
        ),
        10: ("mes.production.completed", {"quantity": 2, "timestamp": iso(times[10])}),
    }
    flow_code, fields = events[index]
    return flow_code, {**base, **fields}


# The webhook stores a message with one INSERT (WebhookIntake._store: raw SQL,
# not the ORM create of the mail.thread model); so does this bench.
STORE_SQL = """
    INSERT INTO mfg_sync_message (
        direction, connector_id, connector_code_received, flow_id, flow_code,
        idempotency_key, correlation_id, content_type, payload_raw, headers,
        state, company_id, name, attempts, create_uid, write_uid,
        ordering_key, sequence, create_date, write_date)
    VALUES ('inbound', %(connector)s, %(code)s, %(flow)s, %(flow_code)s,
        %(key)s, %(key)s, 'application/json', %(raw)s, '{}',
        'queued', %(company)s, %(name)s, 0, %(uid)s, %(uid)s,
        %(ordering_key)s, %(sequence)s,
        now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
"""


def run_engine(env, data):
    connector = data["connector"]
    flows = {flow.code: flow for flow in connector.flow_ids}
    ctx = {
        "times": event_times(),
        "screw_code": data["screw"].default_code,
        "board_code": data["board"].default_code,
        "lot_name": data["lot"].name,
    }
    productions = data["engine_mos"]
    start = time.perf_counter()
    for index in range(1, EVENTS_PER_MO + 1):
        for production in productions:
            flow_code, payload = engine_event(production, index, ctx)
            key = uuid.uuid4().hex
            env.cr.execute(
                STORE_SQL,
                {
                    "connector": connector.id,
                    "code": connector.code,
                    "flow": flows[flow_code].id,
                    "flow_code": flow_code,
                    "key": key,
                    "raw": json.dumps(payload),
                    "company": connector.company_id.id,
                    "name": f"← {flow_code} {key}",
                    "uid": data["tech"].id,
                    # what the webhook stores beside a JSON payload
                    "ordering_key": payload["ordering_key"],
                    "sequence": payload["sequence"],
                },
            )
        env.cr.commit()
        drain(env, connector)
    elapsed = time.perf_counter() - start
    return elapsed


def drain(env, connector):
    """What the queue_job runner does: run the flows' drain jobs until none is due,
    each job in its own transaction."""
    Message = env["mfg.sync.message"]
    while Message.search_count(
        [("connector_id", "=", connector.id), ("state", "=", "queued")], limit=1
    ):
        for flow in connector.flow_ids:
            flow._mfg_drain()
            env.cr.commit()


# --------------------------------------------------------------------- bare
class Bare:
    """The same ORM operations on records in hand: no message, no lookup."""

    def __init__(self, env, data):
        self.env = env
        self.data = data
        self.times = event_times()
        self.productivity = env["mrp.workcenter.productivity"]
        self.performance = env["mrp.workcenter.productivity.loss"].search(
            [("loss_type", "=", "performance")], limit=1
        )

    def open_time(self, wo, ts, first):
        self.productivity.create(wo._prepare_timeline_vals(wo.duration, ts))
        if first:
            wo.with_context(bypass_duration_calculation=True).write(
                {"state": "progress", "date_start": ts}
            )

    def close_time(self, wo, ts, finish):
        timer = wo.time_ids.filtered(lambda t: not t.date_end)
        timer.write({"date_end": ts})
        if wo.duration > wo.duration_expected:
            # time beyond the expected duration is a performance loss (as Odoo's timer)
            over = timedelta(seconds=round((wo.duration - wo.duration_expected) * 60))
            if ts - over <= timer.date_start:
                timer.loss_id = self.performance
            else:
                timer.copy(
                    {
                        "date_start": ts - over,
                        "date_end": ts,
                        "loss_id": self.performance.id,
                    }
                )
                timer.date_end = ts - over
        if finish:
            wo.with_context(bypass_duration_calculation=True).write(
                {
                    "state": "done",
                    "date_finished": ts,
                    "qty_produced": wo.qty_production,
                    "costs_hour": wo.workcenter_id.costs_hour,
                }
            )

    def consume(self, move, quantity, lot):
        if not move.picked:
            move.move_line_ids.unlink()
        self.env["stock.move.line"].create(
            {
                "move_id": move.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
                "lot_id": lot.id,
                "quantity": quantity,
                "picked": True,
            }
        )
        move.write({"picked": True, "manual_consumption": True})

    def apply(self, production, index):
        wos = production.workorder_ids.sorted("sequence")
        cut, asm = wos[0], wos[1]
        times = self.times
        moves = {m.product_id: m for m in production.move_raw_ids}
        data = self.data
        if index == 1:
            self.open_time(cut, times[1], True)
        elif index == 2:
            self.consume(moves[data["screw"]], 8, self.env["stock.lot"])
        elif index == 3:
            self.consume(moves[data["board"]], 2, data["lot"])
        elif index == 4:
            self.close_time(cut, times[4], True)
        elif index == 5:
            self.open_time(asm, times[5], True)
        elif index == 6:
            self.close_time(asm, times[6], False)
        elif index == 7:
            self.open_time(asm, times[7], False)
        elif index == 8:
            scrap = self.env["stock.scrap"].create(
                {
                    "product_id": data["screw"].id,
                    "scrap_qty": 1,
                    "product_uom_id": data["screw"].uom_id.id,
                    "production_id": production.id,
                    "location_id": data["stock"].id,
                    "company_id": production.company_id.id,
                }
            )
            scrap.do_scrap()
        elif index == 9:
            self.close_time(asm, times[9], True)
        elif index == 10:
            production.write({"qty_producing": production.qty_producing + 2})
            production._set_qty_producing(False)


def run_bare(env, data):
    bare = Bare(env(user=data["tech"]), data)
    productions = data["bare_mos"].with_user(data["tech"])
    done = 0
    start = time.perf_counter()
    for index in range(1, EVENTS_PER_MO + 1):
        for production in productions:
            bare.apply(production, index)
            done += 1
            if done % COMMIT_EVERY == 0:
                env.cr.commit()
        env.cr.commit()
    return time.perf_counter() - start


# ------------------------------------------------------------------ checks
def end_state(productions):
    """Summary of the end state: both variants must agree."""
    summary = {
        "wo_done": 0,
        "minutes": 0.0,
        "qty_producing": 0.0,
        "scraps": 0,
        "picked_qty": 0.0,
        "time_records": 0,
    }
    for production in productions:
        for wo in production.workorder_ids:
            summary["wo_done"] += wo.state == "done"
            summary["minutes"] += wo.duration
            summary["time_records"] += len(wo.time_ids)
        summary["qty_producing"] += production.qty_producing
        summary["scraps"] += len(
            production.scrap_ids.filtered(lambda s: s.state == "done")
        )
        summary["picked_qty"] += sum(
            production.move_raw_ids.filtered("picked").mapped("quantity")
        )
    return {key: round(value, 2) for key, value in summary.items()}


def main():
    args = parse_args()
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(
        ["-c", args.config, "-d", args.database, "--log-level=warn"]
    )
    registry = odoo.modules.registry.Registry(args.database)
    tag = uuid.uuid4().hex[:6]
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        t_seed = time.perf_counter()
        data = seed(env, args.mos, tag)
        cr.commit()
        cr.execute("ANALYZE")
        cr.commit()
        seed_s = time.perf_counter() - t_seed
        bare_s = run_bare(env, data)
        engine_s = run_engine(env, data)
        env.invalidate_all()
        messages = env["mfg.sync.message"].search(
            [("connector_id", "=", data["connector"].id)]
        )
        states = {}
        for state in messages.mapped("state"):
            states[state] = states.get(state, 0) + 1
        engine_state = end_state(data["engine_mos"])
        bare_state = end_state(data["bare_mos"])
        cr.commit()
    events = args.mos * EVENTS_PER_MO
    result = {
        "benchmark": "mes_connector_events",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "mos": args.mos,
        "events": events,
        "seed_s": round(seed_s, 2),
        "bare_orm_s": round(bare_s, 3),
        "mes_connector_s": round(engine_s, 3),
        "bare_orm_events_per_s": round(events / bare_s, 1),
        "mes_connector_events_per_s": round(events / engine_s, 1),
        "ratio": round(engine_s / bare_s, 3),
        "goal_ratio": 1.3,
        "message_states": states,
        "end_state_mes_connector": engine_state,
        "end_state_bare_orm": bare_state,
        "end_states_equal": engine_state == bare_state,
    }
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    lines = [
        f"| {args.mos} MOs x {EVENTS_PER_MO} events | time (s) | events/s |",
        "|---|---:|---:|",
        f"| bare ORM | {bare_s:.2f} | {events / bare_s:.1f} |",
        f"| mes_connector (queue) | {engine_s:.2f} | {events / engine_s:.1f} |",
        f"| **ratio** | **{engine_s / bare_s:.2f}x** (goal <= 1.3x) | |",
        "",
        f"messages: {states}; end states equal: {engine_state == bare_state}",
    ]
    if engine_state != bare_state:
        lines.append(f"mes_connector: {engine_state}; bare ORM: {bare_state}")
    table = "\n".join(lines)
    with open(os.path.splitext(args.output)[0] + ".md", "w") as handle:
        handle.write(table + "\n")
    print(table)
    print(f"JSON: {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    main()

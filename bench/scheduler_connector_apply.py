#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: applying a published schedule through scheduler_connector vs a bare
ORM write of the same work-order dates, and the snapshot export; same run.

    python3 bench/scheduler_connector_apply.py -c odoo.conf -d DATABASE \
        [--mos 2000] [--ops 5] [--repeat 1]

The database needs scheduler_connector installed (a copy of a dev database is
fine: the script seeds its own plant). Seeding happens once and is committed,
then ANALYZE runs; each measured variant runs inside a savepoint that is rolled
back, so every variant starts from the same planned state.

Seed: 5 work centers (each with an alternative) on a 24/7-free 40 h calendar,
one product whose BOM has ``--ops`` operations, ``--mos`` confirmed MOs planned
over the next days: ``mos * ops`` work orders (10,000 by default).

Variants:
- "bare ORM": ``workorder.write({date_start, date_finished})`` for every work
  order, as the connector's technical user, with the context the connector
  uses (``bypass_duration_calculation``: keep the scheduler's end).
- "connector (handler)": ``mfg.scheduler.schedule._scheduler_receive`` on the
  10,000-line payload: parse, resolve MOs/WOs by name, decide every rule,
  write, MO dates follow, 10,000 schedule lines, activities.
- "connector (message)": the whole inbound path minus HTTP: a queued
  ``mfg.sync.message`` drained by the engine's job (schema validation of the
  payload, technical user, savepoint) then the handler.
- "snapshot": ``_scheduler_build_snapshot()`` of every MO to plan in the
  horizon (all the seeded ones: 2,000 once seeded) with the work centers'
  calendars (time, then peak Python memory under tracemalloc in a separate
  pass); baseline: a bare ``search_read`` of the same MO, work-order and
  component-move fields.

Variants run interleaved (A B C A B C...) ``--repeat`` times; the best run
counts (the machine may be shared: a slow minute then hurts each variant alike).

Prints a markdown table and writes JSON to bench/results/.
"""

import argparse
import json
import os
import platform
import sys
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "scheduler_connector_apply.json")
PREFIX = "BENCH-SCH"
SCHEDULE_FLOW = "scheduler.schedule.published"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--mos", type=int, default=2000)
    parser.add_argument("--ops", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--output", default=RESULTS)
    return parser.parse_args()


def log(text):
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------- seed
def seed(env, mos, ops):
    """Create the bench plant once, then MOs up to ``mos``; returns the connector."""
    connector = env["mfg.connector"].search([("code", "=", "bench_sched")])
    if not connector:
        connector = _seed_plant(env, ops)
        env.cr.commit()
    product = env["product.product"].search([("default_code", "=", f"{PREFIX}-TABLE")])
    existing = env["mrp.production"].search_count(
        [("product_id", "=", product.id), ("state", "=", "confirmed")]
    )
    if existing < mos:
        log(f"seeding {mos - existing} MOs x {ops} operations")
        _seed_mos(env, product, existing, mos)
    return connector


def _seed_plant(env, ops):
    from odoo import Command

    calendar = env["resource.calendar"].create({"name": f"{PREFIX} 40h", "tz": "UTC"})
    workcenters = env["mrp.workcenter"]
    for i in range(5):
        workcenters |= workcenters.create(
            {
                "name": f"{PREFIX} WC{i}",
                "code": f"{PREFIX}-WC{i}",
                "resource_calendar_id": calendar.id,
            }
        )
    for i, wc in enumerate(workcenters):
        wc.alternative_workcenter_ids = [Command.link(workcenters[(i + 1) % 5].id)]
    groups = (
        "base.group_user",
        "mfg_integration_base.mfg_integration_base_group_technical",
        "mrp.group_mrp_user",
        "stock.group_stock_user",
    )
    tech = env["res.users"].create(
        {
            "name": "Bench scheduler technical user",
            "login": "bench_sched_tech",
            "groups_id": [Command.link(env.ref(g).id) for g in groups],
        }
    )
    connector = env["mfg.connector"].create(
        {
            "name": "Bench scheduler",
            "code": "bench_sched",
            "kind": "scheduler",
            "technical_user_id": tech.id,
            "scheduler_horizon_days": 14,
            "scheduler_frozen_hours": 24,
            "flow_ids": [
                Command.create({"code": "scheduler.snapshot"}),
                Command.create({"code": SCHEDULE_FLOW}),
            ],
        }
    )
    connector.action_activate()
    products = env["product.product"]
    component = products.create(
        {
            "name": f"{PREFIX} component",
            "default_code": f"{PREFIX}-COMP",
            "is_storable": True,
        }
    )
    product = products.create(
        {
            "name": f"{PREFIX} table",
            "default_code": f"{PREFIX}-TABLE",
            "is_storable": True,
        }
    )
    env["mrp.bom"].create(
        {
            "product_tmpl_id": product.product_tmpl_id.id,
            "bom_line_ids": [
                Command.create({"product_id": component.id, "product_qty": 2})
            ],
            "operation_ids": [
                Command.create(
                    {
                        "name": f"Op {k}",
                        "workcenter_id": workcenters[k % 5].id,
                        "time_cycle_manual": 30.0,
                        "sequence": 10 * (k + 1),
                    }
                )
                for k in range(ops)
            ],
        }
    )
    return connector


def _seed_mos(env, product, existing, mos):
    """Confirmed MOs over the next days, their work orders planned one after
    the other (each with its calendar leave, as Odoo plans them)."""
    now = datetime.now().replace(microsecond=0)
    batch = 100
    half_hour = timedelta(minutes=30)
    for first in range(existing, mos, batch):
        vals = [
            {
                "product_id": product.id,
                "product_qty": 1 + (i % 7),
                "date_start": now + timedelta(days=2, minutes=7 * (i % 1500)),
            }
            for i in range(first, min(first + batch, mos))
        ]
        productions = env["mrp.production"].create(vals)
        productions.action_confirm()
        for production in productions:
            start = production.date_start
            for wo in production.workorder_ids.sorted(lambda w: (w.sequence, w.id)):
                wo.with_context(bypass_duration_calculation=True).write(
                    {"date_start": start, "date_finished": start + half_hour}
                )
                start += half_hour
        env.cr.commit()
        log(f"  {first + len(vals)} MOs")


# ----------------------------------------------------------------- measure
def assignments_for(env, productions, now):
    """One assignment per work order: 3 days later than planned, same length."""
    from odoo.addons.scheduler_connector.core import snapshot as snapshot_lib

    result = []
    shift = timedelta(days=3)
    for production in productions:
        workorders = production.workorder_ids.sorted(lambda w: (w.sequence, w.id))
        refs = snapshot_lib.workorder_refs((w.id, w.name) for w in workorders)
        for wo in workorders:
            result.append(
                (
                    wo.id,
                    production.name,
                    refs[wo.id],
                    max(wo.date_start + shift, now + shift),
                    max(wo.date_start + shift, now + shift)
                    + (wo.date_finished - wo.date_start),
                )
            )
    return result


def iso(dt):
    return dt.replace(microsecond=0).isoformat() + "Z"


def payload_for(items, now):
    return {
        "schema_version": "1.0",
        "schedule_id": f"BENCH-{uuid.uuid4().hex[:8]}",
        "version": 1,
        "generated_at": iso(now + timedelta(minutes=1)),
        "assignments": [
            {"mo": mo, "workorder": ref, "start": iso(start), "end": iso(end)}
            for _wo, mo, ref, start, end in items
        ],
    }


def timed(env, func):
    """Run ``func`` in a savepoint rolled back afterwards; seconds, result."""
    env.invalidate_all()
    env.cr.execute("SAVEPOINT bench")
    try:
        t0 = time.perf_counter()
        result = func()
        env.flush_all()
        elapsed = time.perf_counter() - t0
    finally:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench")
        env.invalidate_all()
    return elapsed, result


def main():
    args = parse_args()
    sys.path.insert(0, "/opt/odoo18")
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        connector = seed(env, args.mos, args.ops)
        cr.commit()
        log("ANALYZE")
        cr.execute("ANALYZE")
        cr.commit()

        tech = connector.technical_user_id
        product = env["product.product"].search(
            [("default_code", "=", f"{PREFIX}-TABLE")]
        )
        productions = env["mrp.production"].search(
            [("product_id", "=", product.id), ("state", "=", "confirmed")],
            order="id",
            limit=args.mos,
        )
        now = datetime.now().replace(microsecond=0)
        items = assignments_for(env, productions, now)
        payload = payload_for(items, now)
        n = len(items)
        log(f"{len(productions)} MOs, {n} work orders")

        def bare():
            workorders = (
                env["mrp.workorder"]
                .with_user(tech)
                .with_context(bypass_duration_calculation=True)
            )
            for wo_id, _mo, _ref, start, end in items:
                workorders.browse(wo_id).write(
                    {"date_start": start, "date_finished": end}
                )
            return n

        def handler():
            schedules = (
                env["mfg.scheduler.schedule"]
                .with_user(tech)
                .with_company(connector.company_id)
            )
            schedule = schedules._scheduler_receive(connector.with_user(tech), payload)
            return schedule.applied_count

        def message():
            flow = connector.flow_ids.filtered(lambda f: f.code == SCHEDULE_FLOW)
            msg = env["mfg.sync.message"].create(
                {
                    "direction": "inbound",
                    "connector_id": connector.id,
                    "flow_id": flow.id,
                    "flow_code": SCHEDULE_FLOW,
                    "idempotency_key": uuid.uuid4().hex,
                    "content_type": "application/json",
                    "payload_raw": json.dumps(payload),
                    "state": "queued",
                }
            )
            flow._mfg_drain()
            schedule = env["mfg.scheduler.schedule"].search(
                [("message_id", "=", msg.id)], limit=1
            )
            if msg.state != "done":
                raise RuntimeError(f"message {msg.state}: {msg.error_text}")
            return schedule.applied_count

        def snapshot():
            return len(connector._scheduler_build_snapshot()["orders"])

        horizon_end = now + timedelta(days=connector.scheduler_horizon_days)
        snapshot_domain = env["mrp.production"]._scheduler_snapshot_domain(
            connector.company_id, horizon_end
        )
        snapshot_ids = env["mrp.production"].search(snapshot_domain).ids

        def bare_read():
            mos = env["mrp.production"].search_read(
                [("id", "in", snapshot_ids)],
                [
                    "name",
                    "product_id",
                    "product_qty",
                    "priority",
                    "date_deadline",
                    "date_start",
                    "date_finished",
                    "state",
                ],
            )
            env["mrp.workorder"].search_read(
                [("production_id", "in", snapshot_ids)],
                [
                    "name",
                    "sequence",
                    "workcenter_id",
                    "duration_expected",
                    "state",
                    "date_start",
                    "date_finished",
                    "blocked_by_workorder_ids",
                ],
            )
            env["stock.move"].search_read(
                [("raw_material_production_id", "in", snapshot_ids)],
                ["product_id", "product_uom_qty", "product_uom", "state"],
            )
            return len(mos)

        # Variants interleaved (A B C A B C...), best of --repeat: the machine
        # is shared, and a slow minute then hurts every variant alike.
        variants = (
            ("bare ORM write", bare),
            ("connector (handler)", handler),
            ("connector (message)", message),
            ("bare search_read", bare_read),
            ("snapshot export", snapshot),
        )
        results = {name: {"runs": []} for name, _func in variants}
        for round_no in range(args.repeat):
            for name, func in variants:
                log(f"round {round_no + 1}: measuring {name}")
                elapsed, count = timed(env, func)
                res = results[name]
                res["runs"].append(round(elapsed, 3))
                res["seconds"] = min(res["runs"])
                res["count"] = count
                log(f"  {name}: {elapsed:.2f}s ({count})")

        for name, func in (
            ("bare search_read", bare_read),
            ("snapshot export", snapshot),
        ):
            tracemalloc.start()
            timed(env, func)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            results[name]["peak_mib"] = round(peak / 2**20, 1)
        payload_mib = len(json.dumps(connector._scheduler_build_snapshot())) / 2**20
        results["snapshot export"]["payload_mib"] = round(payload_mib, 2)
        cr.rollback()

    base = results["bare ORM write"]["seconds"]
    read_base = results["bare search_read"]["seconds"]
    rows = [
        ("bare ORM write", n, results["bare ORM write"], base),
        ("connector (handler)", n, results["connector (handler)"], base),
        ("connector (message)", n, results["connector (message)"], base),
        ("bare search_read", len(snapshot_ids), results["bare search_read"], read_base),
        ("snapshot export", len(snapshot_ids), results["snapshot export"], read_base),
    ]
    print(
        f"\nscheduler_connector, {len(productions)} MOs, {n} work orders "
        f"({platform.node()}, python {platform.python_version()})\n"
    )
    print("| variant | items | seconds | per item (ms) | ratio vs bare | peak MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, items_count, res, reference in rows:
        ratio = res["seconds"] / reference if reference else float("nan")
        res["ratio"] = round(ratio, 2)
        print(
            f"| {name} | {items_count} | {res['seconds']:.2f} | "
            f"{1000 * res['seconds'] / max(items_count, 1):.2f} | {ratio:.2f}x | "
            f"{res.get('peak_mib', '')} |"
        )
    goal = results["connector (message)"]["ratio"]
    print(
        f"\ngoal: applying <= 1.5x the bare write: {goal:.2f}x "
        f"({'met' if goal <= 1.5 else 'NOT met'})"
    )
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(
            {
                "benchmark": "scheduler_connector_apply",
                "date": datetime.now().isoformat(timespec="seconds"),
                "mos": len(productions),
                "workorders": n,
                "snapshot_mos": len(snapshot_ids),
                "repeat": args.repeat,
                "load_average_1_5_15": os.getloadavg(),
                "results": results,
                "goal_ratio": 1.5,
                "goal_met": goal <= 1.5,
            },
            f,
            indent=2,
        )
    print(f"JSON: {args.output}")


if __name__ == "__main__":
    main()

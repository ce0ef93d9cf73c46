#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: validating receipts with and without two event subscriptions on
stock.picking, in the same run (issue 19: the cost a subscription adds to the
business operation it watches).

    python3 bench/mfg_integration_base_subscriptions.py -c odoo.conf -d DATABASE \
        [--pickings 1000] [--rounds 4]

The database needs mfg_integration_base and stock installed; the script COMMITS
its seed data and the events into it (use a database made for benchmarking, e.g.
``createdb -T <a database with the suite> mfg_bench_subscriptions``).

Seed (committed, then ANALYZE, before anything is measured): a product, an active
connector with a *business events* flow, two subscriptions on stock.picking (a
receipt reaching ``done`` with its moves' product codes and quantities, the
partner's name, bound as external id; any change of ``state`` or ``date_done``,
sending the reference and dates), and 2 x --pickings confirmed receipts of 3
units with their quantities set. Nothing is sent: the outbox message and its
drain job are what the change costs; delivery runs later in the queue's jobs.

Measured: ``button_validate()`` of each receipt, one transaction (commit) per
receipt as a user's click, as an ordinary Inventory user. The receipts are
validated in --rounds interleaved rounds: in each, a slice of the "bare" half
with both subscriptions archived and a slice of the "subscribed" half with both
active, each variant first in every other round, each slice after a full garbage
collection (see measure()). Wall and CPU time per variant; the ratio is
subscribed / bare (lower is better, goal <= 1.1).
"""

import argparse
import gc
import json
import os
import platform
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results", "mfg_integration_base_subscriptions")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--pickings", type=int, default=1000, help="per variant")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--output", default=RESULTS + ".json")
    return parser.parse_args()


def seed(env, count, tag):
    """The connector, its subscriptions, a user and 2 x ``count`` receipts."""
    admin = env.ref("base.user_admin")
    tech = env["res.users"].create(
        {
            "name": f"Bench events {tag}",
            "login": f"bench-events-{tag}",
            "groups_id": [
                (
                    6,
                    0,
                    [
                        env.ref(
                            "mfg_integration_base.mfg_integration_base_group_technical"
                        ).id
                    ],
                )
            ],
        }
    )
    clerk = env["res.users"].create(
        {
            "name": f"Bench clerk {tag}",
            "login": f"bench-clerk-{tag}",
            "groups_id": [(6, 0, [env.ref("stock.group_stock_user").id])],
        }
    )
    connector = env["mfg.connector"].create(
        {
            "name": f"Bench events {tag}",
            "code": f"bench-events-{tag}",
            "technical_user_id": tech.id,
            "responsible_user_id": admin.id,
            "base_url": "http://127.0.0.1:9",
        }
    )
    flow = env["mfg.flow"].create(
        {"connector_id": connector.id, "code": "generic.event"}
    )
    connector.action_activate()
    model = env["ir.model"]._get_id("stock.picking")
    fields_ = env["ir.model.fields"]
    subscriptions = (
        env["mfg.event.subscription"]
        .with_user(admin)
        .create(
            [
                {
                    "name": "Receipts done",
                    "flow_id": flow.id,
                    "model_id": model,
                    "trigger": "state",
                    "state_field_id": fields_._get("stock.picking", "state").id,
                    "state_value": "done",
                    "filter_domain": "[('picking_type_code', '=', 'incoming')]",
                    "field_paths": "name\norigin\npartner_id.name\ndate_done\n"
                    "move_ids.product_id.default_code\nmove_ids.quantity",
                    "external_id_field_id": fields_._get("stock.picking", "name").id,
                },
                {
                    "name": "Picking state or date changed",
                    "flow_id": flow.id,
                    "model_id": model,
                    "trigger": "write",
                    "watched_field_ids": [
                        (
                            6,
                            0,
                            [
                                fields_._get("stock.picking", "state").id,
                                fields_._get("stock.picking", "date_done").id,
                            ],
                        )
                    ],
                    "field_paths": "name\nstate\ndate_done\nscheduled_date",
                },
            ]
        )
    )
    product = env["product.product"].create(
        {
            "name": f"Bench bolt {tag}",
            "default_code": f"BOLT-{tag}",
            "is_storable": True,
        }
    )
    vendor = env["res.partner"].create({"name": f"Bench vendor {tag}"})
    picking_type = env.ref("stock.picking_type_in")
    source = env.ref("stock.stock_location_suppliers")
    dest = picking_type.default_location_dest_id
    pickings = env["stock.picking"].create(
        [
            {
                "picking_type_id": picking_type.id,
                "partner_id": vendor.id,
                "origin": f"BENCH-{tag}-{i}",
                "location_id": source.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": 3,
                            "product_uom": product.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        },
                    )
                ],
            }
            for i in range(2 * count)
        ]
    )
    pickings.action_confirm()
    for move in pickings.move_ids:
        move.quantity = 3
        move.picked = True
    return {
        "connector": connector,
        "subscriptions": subscriptions,
        "clerk": clerk,
        "bare": pickings[:count],
        "subscribed": pickings[count:],
    }


def validate(env, pickings, clerk):
    """button_validate of each picking as the clerk, a commit after each; returns
    (wall seconds, CPU seconds of this process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for picking in pickings:
        picking.with_user(clerk).button_validate()
        env.cr.commit()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(env, pickings, clerk):
    """validate() of one slice, from the same state of Python's memory: the
    script's one cursor keeps its environments in a weak set until a full
    garbage collection frees them, and Odoo looks an environment up in that
    set each time it makes one, so without a collection before each slice the
    slice measured second paid for the first's leftovers (in a trial of four
    slices of 50 receipts, the set held 32, 66, 99 and 132 environments on
    average: no full collection ran). A user's click has a cursor, and this
    set, of its own."""
    gc.collect()
    return validate(env, pickings, clerk)


def slices(records, rounds):
    size = -(-len(records) // rounds)
    return [records[i * size : (i + 1) * size] for i in range(rounds)]


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
        data = seed(env, args.pickings, tag)
        cr.commit()
        cr.execute("ANALYZE")
        cr.commit()
        seed_s = time.perf_counter() - t_seed
        totals = {"bare": [0.0, 0.0], "subscribed": [0.0, 0.0]}
        rounds = []
        for number, (bare, subscribed) in enumerate(
            zip(
                slices(data["bare"], args.rounds),
                slices(data["subscribed"], args.rounds),
                strict=True,
            )
        ):
            slices_ = {"bare": bare, "subscribed": subscribed}
            # Each variant goes first in every other round: whatever drifts
            # during a run weighs on both alike (see measure()).
            order = (
                ("bare", "subscribed") if number % 2 == 0 else ("subscribed", "bare")
            )
            measured = {}
            for key in order:
                data["subscriptions"].write({"active": key == "subscribed"})
                cr.commit()
                measured[key] = measure(env, slices_[key], data["clerk"])
                totals[key][0] += measured[key][0]
                totals[key][1] += measured[key][1]
            rounds.append(
                {
                    "first": order[0],
                    "bare_s": round(measured["bare"][0], 3),
                    "subscribed_s": round(measured["subscribed"][0], 3),
                    "bare_cpu_s": round(measured["bare"][1], 3),
                    "subscribed_cpu_s": round(measured["subscribed"][1], 3),
                }
            )
        env.invalidate_all()
        done = {
            key: len(data[key].filtered(lambda p: p.state == "done"))
            for key in ("bare", "subscribed")
        }
        messages = env["mfg.sync.message"].search_count(
            [("connector_id", "=", data["connector"].id)]
        )
        cr.commit()
    n = args.pickings
    wall = {k: v[0] for k, v in totals.items()}
    cpu = {k: v[1] for k, v in totals.items()}
    result = {
        "benchmark": "mfg_integration_base_subscriptions",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "pickings_per_variant": n,
        "rounds": rounds,
        "seed_s": round(seed_s, 2),
        "bare_wall_s": round(wall["bare"], 3),
        "subscribed_wall_s": round(wall["subscribed"], 3),
        "bare_cpu_s": round(cpu["bare"], 3),
        "subscribed_cpu_s": round(cpu["subscribed"], 3),
        "ratio_wall": round(wall["subscribed"] / wall["bare"], 3),
        "ratio_cpu": round(cpu["subscribed"] / cpu["bare"], 3),
        "goal_ratio": 1.1,
        "pickings_done": done,
        "events_written": messages,
    }
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    with open(args.output, "w") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    table = "\n".join(
        [
            f"| {n} receipts per variant, {args.rounds} rounds | wall (s) | "
            "CPU (s) | receipts/s |",
            "|---|---:|---:|---:|",
            f"| no subscription | {wall['bare']:.2f} | {cpu['bare']:.2f} | "
            f"{n / wall['bare']:.1f} |",
            f"| two subscriptions | {wall['subscribed']:.2f} | "
            f"{cpu['subscribed']:.2f} | {n / wall['subscribed']:.1f} |",
            f"| **ratio** | **{result['ratio_wall']:.2f}x** | "
            f"**{result['ratio_cpu']:.2f}x** | (goal <= 1.1x) |",
            "",
            f"done: {done}; events written: {messages}",
        ]
    )
    print(table)
    print(f"JSON: {os.path.relpath(args.output, ROOT)}")


if __name__ == "__main__":
    main()

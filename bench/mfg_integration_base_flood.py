#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: a flood of unauthenticated webhooks, and what it costs a signed
sender (issue 13 item 4).

    python3 bench/mfg_integration_base_flood.py [--flood 10000] [--signed 150]
        [--rounds 2] [--workers 2] [--engine HEAD|worktree|<rev>] [--keep-db]

What it does (all by itself, then cleans up):
1. exports the engine at ``--engine``, creates ``mfg_bench_mib_flood`` from
   ``--template`` (default template1: the engine needs no other addon),
   installs ``mfg_integration_base`` + the bench baseline addon and sets the
   bench connector up (bench/mfg_integration_base_common.py);
2. starts Odoo (prefork, ``--workers`` workers, job runner off);
3. per round, in alternating order:
   - *quiet*: 2 clients send ``--signed`` signed requests each (202 expected);
   - *flood*: the same signed load while 2 more clients send ``--flood``
     unsigned requests in all (a third each: unknown connector, no signature,
     a wrong signature; 404/401 expected);
4. reads, before and after each flood, the rows of ``mfg_sync_message``,
   ``mail_message``, ``mfg_intake_rejection`` and the database size;
5. prints markdown tables, writes bench/results/mfg_integration_base_flood.json.

What to read: rows and bytes the flood added (goal: no message row per refused
request), and the signed intake rate during the flood / without it, as a ratio
in the same run.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common

NAME = "mfg_integration_base_flood"
COUNTED = ("mfg_sync_message", "mail_message", "mfg_intake_rejection")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood", type=int, default=10000, help="per round")
    parser.add_argument("--signed", type=int, default=150, help="per client, round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", default="HEAD")
    parser.add_argument("--template", default="template1")
    parser.add_argument("--database", default=common.DB_PREFIX + "flood")
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args(argv)


def unsigned_requests(count, tag):
    """Requests a stranger sends: unknown connector, unsigned, badly signed."""
    body = common.upsert_body("ext-flood", "Flood", "flood@example.com")
    unknown = common.ENGINE_PATH.replace(f"/{common.CONNECTOR_CODE}/", "/nosuch/")
    out = []
    for i in range(count):
        headers = {"Content-Type": "application/json"}
        kind = i % 3
        if kind == 2:
            headers.update(
                {
                    "webhook-id": f"{tag}-{uuid.uuid4().hex}",
                    "webhook-timestamp": str(int(time.time())),
                    "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                }
            )
        out.append((unknown if kind == 0 else common.ENGINE_PATH, body, headers))
    return out


def run_groups(port, groups):
    """{name: [requests per client]} all released together; per-group figures."""
    ctx = multiprocessing.get_context("fork")
    clients = [(name, reqs) for name, lists in groups.items() for reqs in lists]
    barrier = ctx.Barrier(len(clients))
    queues = {name: ctx.Queue() for name in groups}
    procs = [
        ctx.Process(target=common._client, args=(port, reqs, barrier, queues[name]))
        for name, reqs in clients
    ]
    for proc in procs:
        proc.start()
    results = {name: [] for name in groups}
    for name, _reqs in clients:
        results[name].append(queues[name].get(timeout=3600))
    for proc in procs:
        proc.join()
    return {name: common.aggregate(parts) for name, parts in results.items()}


def snapshot(db):
    counts = {}
    for table in COUNTED:
        exists = common.psql(db, f"SELECT to_regclass('{table}') IS NOT NULL")
        counts[table] = (
            int(common.psql(db, f"SELECT count(*) FROM {table}"))
            if exists == "t"
            else None
        )
    counts["database_bytes"] = int(
        common.psql(db, "SELECT pg_database_size(current_database())")
    )
    return counts


def measure(port, db, args):
    rounds = []
    warm = common.signed_requests(common.ENGINE_PATH, 60, "warm")
    run_groups(port, {"signed": [warm[0::2], warm[1::2]]})
    for index in range(args.rounds):
        order = ["quiet", "flood"] if index % 2 == 0 else ["flood", "quiet"]
        row = {"round": index + 1, "order": order}
        for variant in order:
            signed = common.signed_requests(
                common.ENGINE_PATH, 2 * args.signed, f"r{index}-{variant}"
            )
            groups = {"signed": [signed[0::2], signed[1::2]]}
            if variant == "flood":
                strangers = unsigned_requests(args.flood, f"r{index}")
                groups["unsigned"] = [strangers[0::2], strangers[1::2]]
            before = snapshot(db)
            result = run_groups(port, groups)
            time.sleep(6)  # the workers' refused-request counts are saved every 5 s
            after = snapshot(db)
            result["rows_added"] = {
                key: (after[key] - before[key])
                if after[key] is not None and before[key] is not None
                else None
                for key in after
            }
            row[variant] = result
            common.log(
                f"round {index + 1} {variant:5s} signed {result['signed']['rps']:6.1f} "
                f"req/s {result['signed']['statuses']}"
                + (
                    f"; unsigned {result['unsigned']['rps']:6.1f} req/s "
                    f"{result['unsigned']['statuses']}"
                    if "unsigned" in result
                    else ""
                )
                + f"; rows added {result['rows_added']}"
            )
        rounds.append(row)
    return rounds


def summarize(rounds, args):
    quiet = common.median([r["quiet"]["signed"]["rps"] for r in rounds])
    during = common.median([r["flood"]["signed"]["rps"] for r in rounds])
    flood = [r["flood"] for r in rounds]
    signed_accepted = [f["signed"]["statuses"].get(202, 0) for f in flood]
    return {
        "signed_rps_quiet_median": quiet,
        "signed_rps_during_flood_median": during,
        "ratio_during_vs_quiet": during / quiet,
        "paired_ratios": [
            r["flood"]["signed"]["rps"] / r["quiet"]["signed"]["rps"] for r in rounds
        ],
        "unsigned_rps_median": common.median([f["unsigned"]["rps"] for f in flood]),
        "unsigned_statuses": [f["unsigned"]["statuses"] for f in flood],
        # rows the strangers cost: what the flood round added beyond the
        # signed requests it accepted (one message each)
        "message_rows_per_refused_request": [
            (f["rows_added"]["mfg_sync_message"] - accepted) / args.flood
            for f, accepted in zip(flood, signed_accepted, strict=True)
        ],
        "rows_added_by_flood_rounds": [f["rows_added"] for f in flood],
        "rows_added_by_quiet_rounds": [r["quiet"]["rows_added"] for r in rounds],
    }


def print_tables(summary, rounds, info, args):
    print(
        f"\n### Flood: {args.flood} unsigned requests per round (2 clients) against "
        f"2 clients x {args.signed} signed, {args.rounds} rounds, {info['workers']} "
        f"workers, engine {info['engine_source']} ({(info['engine_commit'] or '')[:10]})\n"
    )
    rows = []
    for r in rounds:
        for variant in r["order"]:
            res = r[variant]
            added = res["rows_added"]
            rows.append(
                [
                    r["round"],
                    variant,
                    f"{res['signed']['rps']:.1f}",
                    f"{res['unsigned']['rps']:.1f}" if "unsigned" in res else "-",
                    json.dumps(res.get("unsigned", {}).get("statuses", {})),
                    added["mfg_sync_message"],
                    added["mail_message"],
                    added["mfg_intake_rejection"],
                    f"{added['database_bytes'] / 1024:.0f}",
                ]
            )
    print(
        common.md_table(
            [
                "round",
                "variant",
                "signed req/s",
                "unsigned req/s",
                "unsigned statuses",
                "messages added",
                "mail.message added",
                "rejection count rows added",
                "database growth kB",
            ],
            rows,
        )
    )
    print(
        f"\nSigned intake during the flood / without it: "
        f"{summary['ratio_during_vs_quiet']:.2f} (median {summary['signed_rps_during_flood_median']:.1f} "
        f"vs {summary['signed_rps_quiet_median']:.1f} req/s; per round "
        f"{', '.join(f'{x:.2f}' for x in summary['paired_ratios'])}); message rows per "
        f"refused request: {summary['message_rows_per_refused_request']} "
        f"(machine: {info['nproc']} cores, load at start {info['loadavg_at_start'][0]:.1f})"
    )


def main():
    args = parse_args()
    common.TEMPLATE_DB = args.template
    engine = common.prepare_engine(args.engine)
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    db = args.database
    port = common.free_port()
    conf = common.write_config(os.path.join(tmp, f"{db}.conf"), db, port, args.workers)
    info = common.machine_info(workers=args.workers)
    info["queue_job_runner"] = "off ([queue_job] channels = root:0)"
    common.log(f"engine {engine['source']} {engine['commit']}; database {db}")
    common.create_db(db)
    try:
        ids = common.setup_db(conf, db, os.path.join(tmp, f"{db}.install.log"))
        common.log(f"setup done: {ids}")
        with common.OdooServer(conf, port, os.path.join(tmp, f"{db}.server.log")):
            rounds = measure(port, db, args)
    finally:
        if not args.keep_db:
            common.drop_db(db)
    summary = summarize(rounds, args)
    path = common.write_results(
        NAME,
        {
            "benchmark": NAME,
            "machine": info,
            "params": vars(args),
            "summary": summary,
            "rounds": rounds,
        },
    )
    print_tables(summary, rounds, info, args)
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()

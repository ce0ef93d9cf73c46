#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: webhook intake with 1,000,000 stored messages vs an empty
message table, same server configuration, interleaved in one run.

    python3 bench/mfg_integration_base_dedup.py [--stored 1000000] [--rounds 6]
        [--requests 150] [--clients 4] [--workers 2] [--engine HEAD|worktree|<rev>]
        [--keep-db]

Two databases copied from ``mfg_tmpl_deps`` and set up like the intake bench
(``mfg_bench_mib_dedup_empty`` and ``mfg_bench_mib_dedup_full``); in the second
one, ``--stored`` messages of the same connector and flow are inserted with one
``INSERT ... SELECT ... FROM generate_series`` (inbound, state done, unique
idempotency keys, realistic payload/headers, spread over 30 days), then both
databases are ANALYZEd (and VACUUMed, as autovacuum would). Two Odoo servers with
the same configuration (prefork, ``--workers`` each, ``db_name`` set, NO
dbfilter, job runner off) run side by side; each round sends
``--clients`` x ``--requests`` signed webhooks (fresh webhook-ids) to one, then
the other (order alternating), so both see the same machine noise.
Also records EXPLAIN (ANALYZE, BUFFERS) of the duplicate lookup in the full table.

Goal (issue 3): intake rate with 1M stored messages within 10 % of the empty table.
Prints a markdown table and writes bench/results/mfg_integration_base_dedup.json.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common

NAME = "mfg_integration_base_dedup"

SEED_SQL = """
INSERT INTO mfg_sync_message (
    name, direction, connector_id, connector_code_received, flow_id, flow_code, company_id,
    idempotency_key, correlation_id, content_type, payload_raw, payload_canonical, headers,
    state, attempts, processed_at, latency_ms, res_model, res_id,
    create_uid, create_date, write_uid, write_date)
SELECT '← generic.record.upsert seed-' || g, 'inbound', {connector}, 'bench', {flow},
       'generic.record.upsert', {company},
       'seed-' || md5(g::text), 'seed-' || md5(g::text), 'application/json',
       '{{"schema_version":"1.0","external_id":"seed-' || g || '","values":{{"name":"Seed partner ' || g
           || '","email":"seed' || g || '@bench.example"}}}}',
       '{{"external_id":"seed-' || g || '","schema_version":"1.0","values":{{"email":"seed' || g
           || '@bench.example","name":"Seed partner ' || g || '"}}}}',
       '{{"content-type": "application/json", "webhook-id": "seed-' || md5(g::text) || '"}}',
       'done', 1, ts + interval '2 seconds', 2000, 'res.partner', 1 + g % 50,
       {tech}, ts, {tech}, ts + interval '2 seconds'
  FROM generate_series(1, {count}) AS g,
       LATERAL (SELECT (now() AT TIME ZONE 'UTC') - interval '30 days' * (g::float / {count})) AS t(ts)
"""

EXPLAIN_SQL = """
EXPLAIN (ANALYZE, BUFFERS)
SELECT id, state FROM mfg_sync_message
 WHERE connector_id = {connector} AND direction = 'inbound' AND idempotency_key = 'seed-{key}'
   AND state NOT IN ('rejected', 'duplicate')
 LIMIT 1
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--requests", type=int, default=150, help="per client and round"
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--engine", default="HEAD", help="git rev to export, or 'worktree'"
    )
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args()


def main():
    args = parse_args()
    engine = common.prepare_engine(args.engine)
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    dbs = {
        "empty": common.DB_PREFIX + "dedup_empty",
        "full": common.DB_PREFIX + "dedup_full",
    }
    ports, confs = {}, {}
    for variant, db in dbs.items():
        ports[variant] = common.free_port(
            avoid=[p + d for p in ports.values() for d in (-1, 0, 1)]
        )
        confs[variant] = common.write_config(
            os.path.join(tmp, f"{db}.conf"), db, ports[variant], args.workers
        )
    info = common.machine_info(workers=args.workers)
    info["queue_job_runner"] = (
        "off during the measurement ([queue_job] channels = root:0)"
    )
    common.log(
        f"engine {engine['source']} {engine['commit']}; databases {dbs}; ports {ports}"
    )
    rounds, sizes, explain = [], {}, ""
    try:
        ids = {}
        for variant, db in dbs.items():
            common.create_db(db)
            ids[variant] = common.setup_db(
                confs[variant], db, os.path.join(tmp, f"{db}.install.log")
            )
        full = ids["full"]
        common.log(f"inserting {args.stored} messages")
        common.psql(
            dbs["full"],
            SEED_SQL.format(
                connector=full["connector_id"],
                flow=full["flow_id"],
                company=full["company_id"],
                tech=full["technical_user_id"],
                count=args.stored,
            ),
        )
        for variant, db in dbs.items():
            common.psql(db, "VACUUM ANALYZE mfg_sync_message")
            common.psql(db, "ANALYZE queue_job")
            sizes[variant] = {
                "messages": int(
                    common.psql(db, "SELECT count(*) FROM mfg_sync_message")
                ),
                "table_size": common.psql(
                    db,
                    "SELECT pg_size_pretty(pg_total_relation_size('mfg_sync_message'))",
                ),
            }
        explain = common.psql(
            dbs["full"],
            EXPLAIN_SQL.format(connector=full["connector_id"], key="0123456789abcdef"),
        )
        common.log(f"sizes {sizes}")
        servers = {
            variant: common.OdooServer(
                confs[variant],
                ports[variant],
                os.path.join(tmp, f"{dbs[variant]}.server.log"),
            )
            for variant in dbs
        }
        try:
            for server in servers.values():
                server.start()
            for variant in dbs:
                reqs = common.signed_requests(
                    common.ENGINE_PATH, 30 * args.clients, f"warm-{variant}"
                )
                common.run_load(
                    ports[variant],
                    [reqs[i :: args.clients] for i in range(args.clients)],
                )
            for index in range(args.rounds):
                order = ["empty", "full"] if index % 2 == 0 else ["full", "empty"]
                row = {"round": index + 1, "order": order}
                for variant in order:
                    reqs = common.signed_requests(
                        common.ENGINE_PATH,
                        args.requests * args.clients,
                        f"r{index}-{variant}",
                    )
                    result = common.run_load(
                        ports[variant],
                        [reqs[i :: args.clients] for i in range(args.clients)],
                    )
                    bad = {s: n for s, n in result["statuses"].items() if s != 202}
                    if bad:
                        raise RuntimeError(f"{variant}: unexpected statuses {bad}")
                    row[variant] = result
                    common.log(
                        f"round {index + 1} {variant:5s} {result['rps']:7.1f} req/s "
                        f"p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms"
                    )
                row["ratio_full_vs_empty"] = row["full"]["rps"] / row["empty"]["rps"]
                rounds.append(row)
        finally:
            for server in servers.values():
                server.stop()
    finally:
        if not args.keep_db:
            for db in dbs.values():
                common.drop_db(db)
    summary = {
        variant: {
            "messages_before": sizes[variant]["messages"],
            "table_size": sizes[variant]["table_size"],
            "median_rps": common.median([r[variant]["rps"] for r in rounds]),
            "median_p50_ms": common.median([r[variant]["p50_ms"] for r in rounds]),
            "median_p95_ms": common.median([r[variant]["p95_ms"] for r in rounds]),
            "rps_per_round": [round(r[variant]["rps"], 1) for r in rounds],
        }
        for variant in dbs
    }
    ratio = summary["full"]["median_rps"] / summary["empty"]["median_rps"]
    summary["ratio_full_vs_empty"] = ratio
    summary["paired_ratio_median"] = common.median(
        [r["ratio_full_vs_empty"] for r in rounds]
    )
    data = {
        "benchmark": NAME,
        "machine": info,
        "params": vars(args),
        "summary": summary,
        "explain_duplicate_lookup_full": explain.split("\n"),
        "rounds": rounds,
    }
    path = common.write_results(NAME, data)
    print(
        f"\n### Dedup: engine intake, {args.clients} clients x {args.requests} requests x "
        f"{args.rounds} rounds, {info['workers']} workers per server, db filter {info['db_filter']}, "
        f"engine {info['engine_source']} ({(info['engine_commit'] or '')[:10]})\n"
    )
    rows = [
        [
            variant,
            f"{summary[variant]['messages_before']:,}",
            summary[variant]["table_size"],
            f"{summary[variant]['median_rps']:.1f}",
            f"{summary[variant]['median_p50_ms']:.1f}",
            f"{summary[variant]['median_p95_ms']:.1f}",
            f"{summary[variant]['median_rps'] / summary['empty']['median_rps']:.2f}",
        ]
        for variant in dbs
    ]
    print(
        common.md_table(
            [
                "table",
                "messages stored",
                "table+indexes",
                "req/s (median)",
                "p50 ms",
                "p95 ms",
                "x empty",
            ],
            rows,
        )
    )
    print(
        f"\nGoal within 10 % of the empty table: {ratio:.2f} (paired {summary['paired_ratio_median']:.2f}) -> "
        f"{'met' if ratio >= 0.9 else 'NOT met'} (machine: {info['nproc']} cores, {info['memory_gb']} GB, "
        f"load at start {info['loadavg_at_start'][0]:.1f}; PostgreSQL {info['postgres']}, Odoo {info['odoo']})"
    )
    print(
        "\nDuplicate lookup in the full table:\n\n    "
        + "\n    ".join(explain.split("\n"))
    )
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()

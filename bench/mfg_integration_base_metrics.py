#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: cost of one scrape of /mfg/v1/metrics with 1,000,000 stored
messages, against two bare baselines measured in the same run.

    python3 bench/mfg_integration_base_metrics.py [--stored 1000000] [--rounds 6]
        [--scrapes 10] [--workers 2] [--engine HEAD|worktree|<rev>] [--keep-db]
        [--db mfg_bench_mib_metrics] [--ports 8300-8399] [--writes 2000]

One database (``--db``, copied from ``MFG_BENCH_TEMPLATE``) set up like the
other benches; ``--stored`` messages inserted with the dedup bench's
``INSERT ... SELECT generate_series`` (realistic payloads, 30 days), then spread
over states (1 % failed, 0.5 % dead, 0.2 % queued, the rest done, latencies
0-5 s) by one SQL UPDATE (the counters' triggers follow it), committed, the
counters folded as their cron does, ``VACUUM ANALYZE``. Metrics switched on with
a token (stored encrypted as Settings stores it). The scrape's message counts
are checked against ``count(*)`` before the rounds. Each round, in alternating
order:

- ``metrics``: ``--scrapes`` sequential ``GET /mfg/v1/metrics`` (bearer token);
- ``version_info``: as many ``POST /web/webclient/version_info`` (Odoo's
  lightest JSON-RPC route: the HTTP + Odoo request floor);
- ``bare_sql``: as many ``SELECT connector_id, flow_id, direction, state,
  count(*) ... GROUP BY`` over the same table, straight through psql's
  connection (the least any per-state figure costs the database).

Then the price of the counters on writes: ``--writes`` single-message
``UPDATE ... SET state`` statements (done → failed → done ..., one psql
session, ``\\timing``), and one UPDATE of all of them at once (as a cron's
SQL), with the triggers and with them switched off
(``session_replication_role = replica``), alternating, medians.

Prints a markdown table, writes bench/results/mfg_integration_base_metrics.json.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common
from mfg_integration_base_dedup import SEED_SQL

NAME = "mfg_integration_base_metrics"
COUNTERS_PATH = os.path.join(
    common.ROOT, "addons", "mfg_integration_base", "services", "message_counters.py"
)
TOKEN = "bench-metrics-token-0123456789abcdef"

SPREAD_SQL = """
UPDATE mfg_sync_message
   SET state = CASE WHEN id % 1000 < 10 THEN 'failed'
                    WHEN id % 1000 < 15 THEN 'dead'
                    WHEN id % 1000 < 17 THEN 'queued'
                    ELSE 'done' END,
       attempts = CASE WHEN id % 1000 < 15 THEN 1 + id % 8 ELSE 1 END,
       latency_ms = (id::bigint * 7919) % 5000
"""
BARE_SQL = (
    "SELECT connector_id, flow_id, direction, state, count(*) "
    "FROM mfg_sync_message GROUP BY 1, 2, 3, 4"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--scrapes", type=int, default=10, help="per variant/round")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--engine", default="HEAD", help="git rev, or 'worktree'")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--db", default=common.DB_PREFIX + "metrics")
    parser.add_argument("--ports", default="8300-8399", help="range for the server")
    parser.add_argument("--writes", type=int, default=2000)
    return parser.parse_args()


def fold_sql():
    """The counters' fold (services/message_counters.py: pure SQL, no odoo),
    as the cron runs it every minute."""
    spec = importlib.util.spec_from_file_location("mfg_counters", COUNTERS_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FOLD_SQL


def scraped_messages(body):
    """Sum of the mfg_messages samples of a scrape."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in body.decode().splitlines()
        if line.startswith("mfg_messages{")
    )


def timed_writes(db, ids, triggers):
    """Milliseconds per single-message state UPDATE (psql's \\timing): each
    of ``ids`` flips between done and failed, as the engine writes a state."""
    lines = [] if triggers else ["SET session_replication_role = replica;"]
    lines.append("\\timing on")
    lines += [
        "UPDATE mfg_sync_message SET state = CASE state WHEN 'done' THEN 'failed' "
        f"ELSE 'done' END WHERE id = {message_id};"
        for message_id in ids
    ]
    out = subprocess.run(
        ["psql", "-X", "-q", "-d", db, "-o", "/dev/null"],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    return [
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")
    ]


def timed_bulk(db, ids, triggers):
    """Milliseconds of one UPDATE flipping the state of all ``ids`` (a cron's
    SQL), twice (there and back), with or without the triggers."""
    lines = [] if triggers else ["SET session_replication_role = replica;"]
    lines.append("\\timing on")
    id_list = ",".join(str(i) for i in ids)
    lines += [
        "UPDATE mfg_sync_message SET state = CASE state WHEN 'done' THEN 'failed' "
        f"ELSE 'done' END WHERE id IN ({id_list});"
    ] * 2
    out = subprocess.run(
        ["psql", "-X", "-q", "-d", db, "-o", "/dev/null"],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    return [
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")
    ]


def enable_metrics(db):
    """As Settings does: the switch, and the token encrypted with the key."""
    from cryptography.fernet import Fernet

    token = Fernet(common.SECRETS_KEY.split(",")[0].strip()).encrypt(TOKEN.encode())
    for key, value in (
        ("mfg_integration_base.metrics_enabled", "True"),
        ("mfg_integration_base.metrics_token_enc", token.decode()),
    ):
        common.psql(
            db,
            "INSERT INTO ir_config_parameter (key, value) "
            f"VALUES ('{key}', '{value}') "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        )


def timed_http(port, count, path, data=None, headers=None):
    """Milliseconds of each of ``count`` sequential requests (checked 200)."""
    times = []
    for _ in range(count):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", data=data, headers=headers or {}
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: HTTP {response.status}")
        times.append((time.perf_counter() - start) * 1000)
    return times, body


def timed_sql(db, count):
    """Milliseconds per bare GROUP BY, from psql's own \\timing (no startup)."""
    script = "\\timing on\n" + (BARE_SQL + ";\n") * count
    out = subprocess.run(
        ["psql", "-X", "-q", "-d", db, "-o", "/dev/null"],
        input=script,
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    return [
        float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:")
    ]


def main():
    args = parse_args()
    engine = common.prepare_engine(args.engine)
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    db = args.db
    first_port, last_port = (int(p) for p in args.ports.split("-"))
    port = common.free_port(first_port, last_port)
    conf = common.write_config(os.path.join(tmp, f"{db}.conf"), db, port, args.workers)
    info = common.machine_info(workers=args.workers)
    common.log(f"engine {engine['source']} {engine['commit']}; database {db}")
    rounds, size, writes, bulk = [], {}, [], []
    try:
        common.create_db(db)
        ids = common.setup_db(conf, db, os.path.join(tmp, f"{db}.install.log"))
        common.log(f"inserting {args.stored} messages")
        common.psql(
            db,
            SEED_SQL.format(
                connector=ids["connector_id"],
                flow=ids["flow_id"],
                company=ids["company_id"],
                tech=ids["technical_user_id"],
                count=args.stored,
            ),
        )
        started = time.perf_counter()
        common.psql(db, SPREAD_SQL)
        spread_s = time.perf_counter() - started
        common.log(f"spread over states in {spread_s:.1f} s (row triggers)")
        common.psql(db, fold_sql())
        common.psql(db, "VACUUM ANALYZE")
        enable_metrics(db)
        size = {
            "messages": int(common.psql(db, "SELECT count(*) FROM mfg_sync_message")),
            "table_size": common.psql(
                db, "SELECT pg_size_pretty(pg_total_relation_size('mfg_sync_message'))"
            ),
            "counter_rows": int(
                common.psql(db, "SELECT count(*) FROM mfg_message_count")
            ),
            "spread_update_s": round(spread_s, 1),
        }
        common.log(f"size {size}")
        rpc = json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}).encode()
        variants = {
            "metrics": lambda: timed_http(
                port,
                args.scrapes,
                "/mfg/v1/metrics",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )[0],
            "version_info": lambda: timed_http(
                port,
                args.scrapes,
                "/web/webclient/version_info",
                data=rpc,
                headers={"Content-Type": "application/json"},
            )[0],
            "bare_sql": lambda: timed_sql(db, args.scrapes),
        }
        with common.OdooServer(conf, port, os.path.join(tmp, f"{db}.server.log")):
            _times, sample = timed_http(
                port,
                2,
                "/mfg/v1/metrics",
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
            if scraped_messages(sample) != size["messages"]:
                raise RuntimeError(
                    f"scrape counts {scraped_messages(sample)} messages, "
                    f"the table holds {size['messages']}"
                )
            for index in range(args.rounds):
                order = list(variants)
                if index % 2:
                    order.reverse()
                row = {"round": index + 1, "order": order}
                for variant in order:
                    row[variant] = common.median(variants[variant]())
                row["metrics_vs_version_info"] = row["metrics"] / row["version_info"]
                row["metrics_vs_bare_sql"] = row["metrics"] / row["bare_sql"]
                common.log(
                    f"round {index + 1}: metrics {row['metrics']:.1f} ms, "
                    f"version_info {row['version_info']:.1f} ms, "
                    f"bare SQL {row['bare_sql']:.1f} ms"
                )
                rounds.append(row)
        write_ids = [
            int(i)
            for i in common.psql(
                db,
                "SELECT id FROM mfg_sync_message WHERE state = 'done' "
                f"ORDER BY id DESC LIMIT {args.writes}",
            ).split()
        ]
        for index in range(4):
            triggers = index % 2 == 0
            writes.append(
                {
                    "triggers": triggers,
                    "ms": common.median(timed_writes(db, write_ids, triggers)),
                }
            )
            common.log(f"writes: {writes[-1]}")
        for index in range(4):
            triggers = index % 2 == 0
            bulk.append(
                {
                    "triggers": triggers,
                    "ms": common.median(timed_bulk(db, write_ids, triggers)),
                }
            )
            common.log(f"bulk: {bulk[-1]}")
    finally:
        if not args.keep_db:
            common.drop_db(db)
    summary = {
        key: common.median([r[key] for r in rounds])
        for key in (
            "metrics",
            "version_info",
            "bare_sql",
            "metrics_vs_version_info",
            "metrics_vs_bare_sql",
        )
    }
    for triggers in (True, False):
        key = "state_update_with_triggers" if triggers else "state_update_bare"
        summary[key] = common.median(
            [w["ms"] for w in writes if w["triggers"] == triggers]
        )
    summary["state_update_ratio"] = (
        summary["state_update_with_triggers"] / summary["state_update_bare"]
    )
    for triggers in (True, False):
        key = "bulk_update_with_triggers" if triggers else "bulk_update_bare"
        summary[key] = common.median(
            [w["ms"] for w in bulk if w["triggers"] == triggers]
        )
    summary["bulk_update_ratio"] = (
        summary["bulk_update_with_triggers"] / summary["bulk_update_bare"]
    )
    common.write_results(
        NAME,
        {
            "machine": info,
            "size": size,
            "rounds": rounds,
            "writes": writes,
            "bulk": bulk,
            "summary_median_ms": summary,
            "sample_lines": sample.decode().count("\n"),
        },
    )
    print(
        common.md_table(
            ["per request (median ms)", "value"],
            [[key, f"{value:.2f}"] for key, value in summary.items()],
        )
    )


if __name__ == "__main__":
    main()

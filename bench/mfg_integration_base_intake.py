#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: signed webhook intake of mfg_integration_base vs two baselines on
the same Odoo server, interleaved in one run.

    python3 bench/mfg_integration_base_intake.py [--rounds 6] [--requests 200]
        [--clients 4] [--workers 2] [--engine HEAD|worktree|<rev>] [--keep-db]

What it does (all by itself, then cleans up):
1. exports the engine at ``--engine`` (default: the committed HEAD, because the
   working tree is shared and edited while we measure), creates the database
   ``mfg_bench_mib_intake`` from ``mfg_tmpl_deps``, installs
   ``mfg_integration_base`` + ``bench/addons/mfg_bench_baseline`` and sets up,
   through Odoo's Python API, an active connector ``bench`` with a technical
   user, the flow ``generic.record.upsert`` on res.partner (name, email) and
   its signing secret set through the ORM (encrypted under the secrets key);
2. starts Odoo (prefork, ``--workers`` workers, ``db_name`` set and NO
   dbfilter, queue_job job runner off so that jobs do not run on the same
   workers during the measurement, max_cron_threads 0, log_level warn);
3. for each round, in a rotating order, sends ``--clients`` x ``--requests``
   POSTs to each of
     - bare:   ``/mfg_bench/bare`` (auth="none", csrf=False, save_session=False, 200),
     - floor:  ``/mfg_bench/floor`` (Standard Webhooks HMAC, one INSERT with a
               unique key, one queue_job job; 202),
     - engine: ``/mfg/v1/bench/generic.record.upsert`` (202),
   every request with a fresh webhook-id and a valid signature, bodies and
   headers computed before the clock starts; one keep-alive connection per
   client process (Odoo's prefork workers answer HTTP/1.0 and close, so
   http.client reconnects: the same for the three routes);
4. stops Odoo, then counts SQL queries per request and profiles (cProfile)
   the three routes in-process through Odoo's WSGI application (same code,
   same database, no HTTP server);
5. prints a markdown table and writes bench/results/mfg_integration_base_intake.json.

Goal (issue 3): engine >= 0.8 x floor, as a ratio of medians in this run.
"""

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common

NAME = "mfg_integration_base_intake"
VARIANTS = {
    "bare": (common.BARE_PATH, 200),
    "floor": (common.FLOOR_PATH, 202),
    "engine": (common.ENGINE_PATH, 202),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument(
        "--requests", type=int, default=200, help="per client and round"
    )
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--engine", default="HEAD", help="git rev to export, or 'worktree'"
    )
    parser.add_argument("--database", default=common.DB_PREFIX + "intake")
    parser.add_argument("--profile-requests", type=int, default=300)
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args(argv)


def measure_rounds(port, args):
    rounds = []
    names = list(VARIANTS)
    # warm-up: every worker loads its registry and caches
    for name in names:
        path, _status = VARIANTS[name]
        reqs = common.signed_requests(path, 30 * args.clients, f"warm-{name}")
        common.run_load(port, [reqs[i :: args.clients] for i in range(args.clients)])
    for index in range(args.rounds):
        order = names[index % len(names) :] + names[: index % len(names)]
        row = {"round": index + 1, "order": order}
        for name in order:
            path, expected = VARIANTS[name]
            reqs = common.signed_requests(
                path, args.requests * args.clients, f"r{index}-{name}"
            )
            per_client = [reqs[i :: args.clients] for i in range(args.clients)]
            result = common.run_load(port, per_client)
            bad = {s: n for s, n in result["statuses"].items() if s != expected}
            if bad:
                raise RuntimeError(f"{name}: unexpected statuses {bad}")
            row[name] = result
            common.log(
                f"round {index + 1} {name:6s} {result['rps']:7.1f} req/s "
                f"p50 {result['p50_ms']:.1f} ms p95 {result['p95_ms']:.1f} ms"
            )
        rounds.append(row)
    return rounds


def profile_in_process(conf, db, count):
    """Child process: queries per request and cProfile of each route."""
    out = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--_profile",
            conf,
            db,
            str(count),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        common.log(f"profile failed: {out.stderr[-3000:]}")
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def _profile_main(conf, db, count):
    import cProfile
    import io
    import logging
    import pstats

    from werkzeug.test import Client

    import odoo
    import odoo.http
    from odoo import sql_db

    odoo.tools.config.parse_config(["-c", conf, "-d", db])
    odoo.service.server.load_server_wide_modules()
    client = Client(odoo.http.root)

    def send(reqs):
        counts = []
        for path, body, headers in reqs:
            before = sql_db.sql_counter
            response = client.post(path, data=body, headers=headers)
            assert response.status_code in (200, 202), (path, response.status_code)
            counts.append(sql_db.sql_counter - before)
        return counts

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.queries = []

        def emit(self, record):
            msg = record.getMessage()
            if "query:" in msg:
                self.queries.append(" ".join(msg.split("query:", 1)[1].split())[:400])

    result = {}
    for name, (path, _status) in VARIANTS.items():
        if name == "engine":
            result.setdefault("answers", {})[name] = _answers(client, path)
        send(common.signed_requests(path, 30, f"pwarm-{name}"))
        counts = send(common.signed_requests(path, 50, f"pcount-{name}"))
        collector = Collect()
        sql_logger = logging.getLogger("odoo.sql_db")
        sql_logger.addHandler(collector)
        sql_logger.setLevel(logging.DEBUG)
        sql_logger.propagate = False
        send(common.signed_requests(path, 1, f"psql-{name}"))
        sql_logger.setLevel(logging.WARNING)
        sql_logger.propagate = True
        sql_logger.removeHandler(collector)
        reqs = common.signed_requests(path, count, f"pprof-{name}")
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        send(reqs)
        profiler.disable()
        elapsed = time.perf_counter() - start
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(45)
        tottime = io.StringIO()
        pstats.Stats(profiler, stream=tottime).sort_stats("tottime").print_stats(25)
        result[name] = {
            "queries_per_request": sum(counts) / len(counts),
            "queries_min_max": [min(counts), max(counts)],
            "sql_of_one_request": collector.queries,
            "in_process_ms_per_request_profiled": 1000 * elapsed / count,
            "profile_cumulative": stream.getvalue().split("\n")[:70],
            "profile_tottime": tottime.getvalue().split("\n")[:45],
        }
        # a cProfile-free timing of the same route
        reqs = common.signed_requests(path, count, f"ptime-{name}")
        start = time.perf_counter()
        send(reqs)
        result[name]["in_process_ms_per_request"] = (
            1000 * (time.perf_counter() - start) / count
        )
    print(json.dumps(result))


def _answers(client, path):
    """The same bad and repeated inputs to the engine and to the prototype:
    their statuses must match (the prototype keeps the engine's contract)."""
    (p, body, headers) = common.signed_requests(path, 1, "answers")[0]
    out = {}
    out["first"] = client.post(p, data=body, headers=headers).status_code
    out["same webhook-id again"] = client.post(
        p, data=body, headers=headers
    ).status_code
    bad = dict(headers, **{"webhook-signature": "v1,AAAA"})
    bad["webhook-id"] = headers["webhook-id"] + "-bad"
    out["wrong signature"] = client.post(p, data=body, headers=bad).status_code
    schema_body = json.dumps({"schema_version": "1.0", "external_id": "x"}).encode()
    msg_id = headers["webhook-id"] + "-schema"
    signed = dict(
        headers,
        **common.signatures.sign_headers(common.WEBHOOK_SECRET, msg_id, schema_body),
    )
    out["schema violation"] = client.post(
        p, data=schema_body, headers=signed
    ).status_code
    text = dict(headers, **{"Content-Type": "text/plain"})
    text["webhook-id"] = headers["webhook-id"] + "-text"
    out["text/plain"] = client.post(p, data=body, headers=text).status_code
    unknown = p.replace(f"/{common.CONNECTOR_CODE}/", "/nosuchconnector/")
    out["unknown connector"] = client.post(
        unknown, data=body, headers=headers
    ).status_code
    return out


def summarize(rounds, profile):
    names = list(VARIANTS)
    summary = {"answers": (profile or {}).get("answers")}
    for name in names:
        summary[name] = {
            "median_rps": common.median([r[name]["rps"] for r in rounds]),
            "median_p50_ms": common.median([r[name]["p50_ms"] for r in rounds]),
            "median_p95_ms": common.median([r[name]["p95_ms"] for r in rounds]),
            "rps_per_round": [round(r[name]["rps"], 1) for r in rounds],
        }
        if profile:
            summary[name]["queries_per_request"] = profile[name]["queries_per_request"]
            summary[name]["in_process_ms_per_request"] = profile[name][
                "in_process_ms_per_request"
            ]
    for name in names:
        for base in ("bare", "floor"):
            summary[name][f"ratio_vs_{base}"] = (
                summary[name]["median_rps"] / summary[base]["median_rps"]
            )
            summary[name][f"paired_ratio_vs_{base}_median"] = common.median(
                [r[name]["rps"] / r[base]["rps"] for r in rounds]
            )
    return summary


def print_table(summary, info, args):
    rows = []
    for name in VARIANTS:
        s = summary[name]
        rows.append(
            [
                name,
                f"{s['median_rps']:.1f}",
                f"{s['median_p50_ms']:.1f}",
                f"{s['median_p95_ms']:.1f}",
                f"{s.get('queries_per_request', float('nan')):.1f}",
                f"{s.get('in_process_ms_per_request', float('nan')):.1f}",
                f"{s['ratio_vs_bare']:.2f}",
                f"{s['ratio_vs_floor']:.2f} (paired {s['paired_ratio_vs_floor_median']:.2f})",
            ]
        )
    print(
        f"\n### Intake: {args.clients} clients x {args.requests} requests x {args.rounds} rounds, "
        f"{info['workers']} workers, db filter {info['db_filter']}, engine {info['engine_source']} "
        f"({(info['engine_commit'] or '')[:10]})\n"
    )
    print(
        common.md_table(
            [
                "route",
                "req/s (median)",
                "p50 ms",
                "p95 ms",
                "SQL queries/req",
                "ms/req in-process",
                "x bare",
                "x floor",
            ],
            rows,
        )
    )
    answers = summary.get("answers")
    if answers:
        cases = list(next(iter(answers.values())))
        print("\nEngine answers (HTTP status) per input:\n")
        print(
            common.md_table(
                ["input", *answers],
                [[case, *(answers[name][case] for name in answers)] for case in cases],
            )
        )
    engine = summary["engine"]["ratio_vs_floor"]
    print(
        f"\nGoal engine >= 0.8 x floor: {engine:.2f} -> {'met' if engine >= 0.8 else 'NOT met'} "
        f"(machine: {info['nproc']} cores, {info['memory_gb']} GB, load at start "
        f"{info['loadavg_at_start'][0]:.1f}; PostgreSQL {info['postgres']}, Odoo {info['odoo']}, "
        f"Python {info['python']})"
    )


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--_profile":
        _profile_main(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    args = parse_args()
    modules = common.MODULES
    engine = common.prepare_engine(args.engine)
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    db = args.database
    port = common.free_port()
    conf = common.write_config(os.path.join(tmp, f"{db}.conf"), db, port, args.workers)
    info = common.machine_info(workers=args.workers)
    info["queue_job_runner"] = (
        "off during the measurement ([queue_job] channels = root:0)"
    )
    common.log(
        f"engine {engine['source']} {engine['commit']}; database {db}; port {port}"
    )
    common.create_db(db)
    try:
        ids = common.setup_db(conf, db, os.path.join(tmp, f"{db}.install.log"), modules)
        common.log(f"setup done: {ids}")
        with common.OdooServer(conf, port, os.path.join(tmp, f"{db}.server.log")):
            rounds = measure_rounds(port, args)
        common.log("in-process query count and profile")
        profile = profile_in_process(conf, db, args.profile_requests)
        counts = common.psql(
            db,
            "SELECT (SELECT count(*) FROM mfg_sync_message WHERE state = 'queued') || ' ' || "
            "(SELECT count(*) FROM mfg_bench_intake) || ' ' || (SELECT count(*) FROM queue_job)",
        )
    finally:
        if not args.keep_db:
            common.drop_db(db)
    summary = summarize(rounds, profile)
    data = {
        "benchmark": NAME,
        "machine": info,
        "params": vars(args),
        "rows_after_run": dict(
            zip(
                ("queued_messages", "floor_rows", "queue_jobs"),
                counts.split(),
                strict=False,
            )
        ),
        "summary": summary,
        "rounds": rounds,
        "profile": profile,
    }
    path = common.write_results(NAME, data)
    print_table(summary, info, args)
    print(f"\nJSON: {path}")


if __name__ == "__main__":
    main()

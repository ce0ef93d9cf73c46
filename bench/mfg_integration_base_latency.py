#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: receipt-to-done latency of a trickle of webhooks (issue 12, item 7).

    python3 bench/mfg_integration_base_latency.py [--events 200] [--rounds 2]
        [--gap-min 0.1] [--gap-max 0.5] [--engine HEAD|worktree|<rev>] [--keep-db]

A running server as in production: a fresh database (``mfg_bench_mib_latency_*``,
no template needed: ``mfg_integration_base`` is installed into an empty
database), the bench connector of ``mfg_integration_base_common`` (technical
user, flow ``generic.record.upsert`` on res.partner), Odoo with 2 prefork
workers, **the queue_job runner on** (channels as in odoo.conf.example:
``root:2,root.mfg:2,root.mfg.ordered:1``) and **one cron thread** (the
one-minute dispatch cron is the engine's safety net: without it a stranded
message would never be processed and the "before" figures would be infinite).

One client sends ``--events`` signed webhooks, one at a time, with a random gap
of ``--gap-min``..``--gap-max`` seconds between them (a trickle, not a burst).
A poller on its own PostgreSQL connection looks every 10 ms for those messages
in a final state (done, failed, dead). Latency of one event = the moment the
poller first sees it done minus the moment its 202 answer arrived (the message
is committed then): receipt to applied, on the client's one clock. Resolution
about 10 ms plus one poll query.

Reference in the same run (the "bare" figure for a latency): the processing time
itself, the median ``exec_time`` of the drain jobs that ran (queue_job measures
it around ``flow._mfg_drain()``). The ratio p50 / processing time says how much
of the latency is waiting rather than working.

Prints a markdown table and writes bench/results/mfg_integration_base_latency.json.
"""

import argparse
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common

NAME = "mfg_integration_base_latency"
FINAL = ("done", "failed", "dead")
CHANNELS = "root:2,root.mfg:2,root.mfg.ordered:1"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--gap-min", type=float, default=0.1)
    parser.add_argument("--gap-max", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--engine", default="HEAD", help="git rev to export, or 'worktree'"
    )
    parser.add_argument(
        "--wait", type=float, default=150.0, help="seconds to wait for stragglers"
    )
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args()


def production_like_config(conf, workers, channels=CHANNELS, runner_port=None):
    """The bench config, with the job runner's channels and one cron thread
    (``runner_port``: where the runner sends its job requests, e.g. a front)."""
    with open(conf) as handle:
        lines = handle.read().splitlines()
    out = []
    for line in lines:
        if line.startswith("max_cron_threads"):
            line = "max_cron_threads = 1"
        elif line.startswith("channels"):
            line = f"channels = {channels}"
            if runner_port:
                line += f"\nport = {runner_port}"
        elif line.startswith("workers"):
            line = f"workers = {workers}"
        out.append(line)
    with open(conf, "w") as handle:
        handle.write("\n".join(out) + "\n")


class Poller(threading.Thread):
    """Sees when each sent webhook's message reaches a final state."""

    def __init__(self, db):
        super().__init__(daemon=True)
        self.conn = psycopg2.connect(dbname=db)
        self.conn.autocommit = True
        self.waiting = {}  # webhook-id -> accepted at (perf_counter)
        self.done = {}  # webhook-id -> (seen at, state)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def expect(self, key, accepted_at):
        with self.lock:
            self.waiting[key] = accepted_at

    def run(self):
        with self.conn.cursor() as cr:
            while not self.stop.is_set():
                with self.lock:
                    keys = list(self.waiting)
                if keys:
                    cr.execute(
                        "SELECT idempotency_key, state FROM mfg_sync_message "
                        "WHERE direction = 'inbound' AND idempotency_key = ANY(%s) "
                        "AND state IN %s",
                        [keys, FINAL],
                    )
                    seen = time.perf_counter()
                    with self.lock:
                        for key, state in cr.fetchall():
                            if key in self.waiting:
                                self.waiting.pop(key)
                                self.done[key] = (seen, state)
                time.sleep(0.01)
        self.conn.close()


def send(port, tag):
    msg_id = f"{tag}-{uuid.uuid4().hex}"
    body = common.upsert_body(
        f"ext-{msg_id}", f"Latency {msg_id[-8:]}", f"{msg_id[-12:]}@bench.example"
    )
    headers = {"Content-Type": "application/json"}
    headers.update(common.signatures.sign_headers(common.WEBHOOK_SECRET, msg_id, body))
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{common.ENGINE_PATH}",
        data=body,
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        status = response.status
    return msg_id, status


def percentile(values, share):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * share))]


def trickle_round(port, db, args, tag):
    poller = Poller(db)
    poller.start()
    accepted = {}
    rng = random.Random(tag)
    for _i in range(args.events):
        msg_id, status = send(port, tag)
        at = time.perf_counter()
        if status != 202:
            raise RuntimeError(f"webhook answered {status}")
        accepted[msg_id] = at
        poller.expect(msg_id, at)
        time.sleep(rng.uniform(args.gap_min, args.gap_max))
    deadline = time.perf_counter() + args.wait
    while poller.waiting and time.perf_counter() < deadline:
        time.sleep(0.1)
    poller.stop.set()
    poller.join()
    latencies = [1000 * (poller.done[k][0] - accepted[k]) for k in poller.done]
    states = {}
    for _seen, state in poller.done.values():
        states[state] = states.get(state, 0) + 1
    return {
        "events": args.events,
        "finished": len(poller.done),
        "unfinished": len(poller.waiting),
        "states": states,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "max_ms": max(latencies) if latencies else float("nan"),
        "over_5s": sum(1 for x in latencies if x > 5000),
    }


def drain_figures(db, since):
    """Drain jobs of the round: count, median and p95 processing time, and how
    many were retried by queue_job (a serialization failure postpones a job)."""
    out = common.psql(
        db,
        "SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY exec_time), "
        "percentile_cont(0.95) WITHIN GROUP (ORDER BY exec_time), "
        "COUNT(*) FILTER (WHERE retry > 1) "
        "FROM queue_job WHERE method_name = '_mfg_drain' AND state = 'done' "
        f"AND date_created >= '{since}'",
    )
    count, median, p95, retried = out.split("|")
    return {
        "drain_jobs": int(count),
        "drain_ms_p50": 1000 * float(median or "nan"),
        "drain_ms_p95": 1000 * float(p95 or "nan"),
        "drain_jobs_retried": int(retried),
    }


def log_errors(logfile, start):
    """ERROR lines the server logged since byte ``start`` of its log."""
    with open(logfile, errors="replace") as handle:
        handle.seek(start)
        return sum(1 for line in handle if " ERROR " in line)


def main():
    args = parse_args()
    engine = common.prepare_engine(args.engine)
    sha = (engine["commit"] or "worktree")[:8]
    db = f"{common.DB_PREFIX}latency_{sha}"
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    logfile = os.path.join(tmp, f"{db}.log")
    # The top of the bench range: the other benchmarks start from its bottom.
    port = common.free_port(start=8380)
    conf = common.write_config(
        os.path.join(tmp, f"{db}.conf"), db, port, args.workers, runner=True
    )
    production_like_config(conf, args.workers)
    common.drop_db(db)
    common.run(["createdb", db])
    info = common.machine_info(workers=args.workers)
    info["queue_job_runner"] = CHANNELS
    rounds = []
    try:
        common.log(f"installing mfg_integration_base into {db} (engine {sha})")
        common.setup_db(conf, db, logfile, modules="mfg_integration_base")
        with common.OdooServer(conf, port, logfile):
            for index in range(args.rounds):
                since = common.psql(db, "SELECT now() at time zone 'UTC'")
                log_start = os.path.getsize(logfile)
                common.log(f"round {index + 1}: {args.events} events")
                result = trickle_round(port, db, args, f"r{index}{sha}")
                result.update(drain_figures(db, since))
                result["log_errors"] = log_errors(logfile, log_start)
                common.log(str(result))
                rounds.append(result)
    finally:
        if not args.keep_db:
            common.drop_db(db)
    rows = [
        [
            index + 1,
            r["events"],
            r["unfinished"],
            f"{r['p50_ms']:.0f}",
            f"{r['p95_ms']:.0f}",
            f"{r['max_ms']:.0f}",
            r["over_5s"],
            r["drain_jobs"],
            r["drain_jobs_retried"],
            f"{r['drain_ms_p50']:.0f} / {r['drain_ms_p95']:.0f}",
            f"{r['p50_ms'] / r['drain_ms_p50']:.1f}",
            r["log_errors"],
        ]
        for index, r in enumerate(rounds)
    ]
    table = common.md_table(
        [
            "round",
            "events",
            "not done",
            "p50 ms",
            "p95 ms",
            "max ms",
            "> 5 s",
            "drain jobs",
            "retried",
            "drain job ms p50 / p95",
            "p50 / drain p50",
            "ERROR log lines",
        ],
        rows,
    )
    print(f"Engine {engine['commit']}, gap {args.gap_min}-{args.gap_max} s")
    print(table)
    path = common.write_results(
        f"{NAME}_{sha}",
        {"machine": info, "args": vars(args), "rounds": rounds, "table": table},
    )
    common.log(f"results in {path}")


if __name__ == "__main__":
    try:
        main()
    except urllib.error.HTTPError as err:
        sys.exit(f"HTTP error {err.code}: {err.read()[:500]!r}")

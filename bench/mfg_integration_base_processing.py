#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: generic-flow processing through the engine's queue jobs vs a bare
ORM loop doing the same writes, interleaved in one run.

    python3 bench/mfg_integration_base_processing.py [--events 2000] [--rounds 3]
        [--engine HEAD|worktree|<rev>] [--keep-db] [--no-profile]

Everything in one process through Odoo's Python API (Registry + cursors, real
transactions, commits), on a fresh database ``mfg_bench_mib_processing`` copied
from ``mfg_tmpl_deps`` with ``mfg_integration_base`` installed and the bench
connector (technical user, flow ``generic.record.upsert`` on res.partner,
allowed fields name/email).

Each round measures both variants (order alternating between rounds), each on
its own new external ids; an event set is ``--events`` events: the first half
creates a partner per external id, the second half updates those partners
(new name and email), so the mix is 50 % create / 50 % update.

- engine: the events are stored as queued ``mfg.sync.message`` rows exactly as
  the webhook stores them (technical user, same vals) and one drain job is
  enqueued as the webhook does; commit; ANALYZE. Timed: the queue_job runner's
  work, in-process: take the next pending job whose eta is due, mark it
  enqueued (the runner's UPDATE, committed), then
  ``RunJobController._acquire_job`` + ``_runjob`` (started + commit, lock,
  ``flow._mfg_drain()`` as the technical user, done + commit), until no job
  is pending; every message must end ``done``.
- bare ORM: as the technical user, in transactions of ``batch_size`` (200)
  events like the drain job: ``res.partner.create(values)`` +
  ``mfg.external.id.create(...)`` (sudo) for a create; for an update, the
  binding looked up by external id, ``partner.write(values)`` and
  ``binding.write(last_sync_at, payload_hash)``. Same values, same user, same
  context as the job; no message bookkeeping.

Goal (issue 3): engine time <= 1.4 x bare time, and >= 200 events/s.
Prints a markdown table and writes bench/results/mfg_integration_base_processing.json.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mfg_integration_base_common as common

NAME = "mfg_integration_base_processing"
DRAIN = "<mfg.flow>._mfg_drain"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--engine", default="HEAD", help="git rev to export, or 'worktree'"
    )
    parser.add_argument("--database", default=common.DB_PREFIX + "processing")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--drains",
        type=int,
        default=2,
        help="also run the engine with this many job processes at once "
        "(a channel of that capacity); 0 or 1: not",
    )
    return parser.parse_args()


def events_for(tag, count):
    half = count // 2
    creates = [
        {
            "schema_version": "1.0",
            "external_id": f"{tag}-{i}",
            "values": {"name": f"Bench {tag} {i}", "email": f"{tag}.{i}@bench.example"},
        }
        for i in range(half)
    ]
    updates = [
        {
            "schema_version": "1.0",
            "external_id": f"{tag}-{i}",
            "values": {
                "name": f"Bench {tag} {i} v2",
                "email": f"{tag}.{i}.v2@bench.example",
            },
        }
        for i in range(count - half)
    ]
    return creates + updates


class Bench:
    def __init__(self, conf, db, ids):
        import odoo

        self.odoo = odoo
        odoo.tools.config.parse_config(["-c", conf, "-d", db])
        odoo.service.server.load_server_wide_modules()
        self.registry = odoo.modules.registry.Registry(db)
        self.ids = ids
        from odoo.addons.queue_job.controllers.main import RunJobController

        self.runner = RunJobController

    def env(self, cr, uid=None, context=None):
        return self.odoo.api.Environment(
            cr, uid or self.odoo.SUPERUSER_ID, context or {}
        )

    def sql_counter(self):
        return self.odoo.sql_db.sql_counter

    def analyze(self):
        with self.registry.cursor() as cr:
            for table in (
                "mfg_sync_message",
                "res_partner",
                "mfg_external_id",
                "queue_job",
                "mail_message",
            ):
                cr.execute(f"ANALYZE {table}")

    # ------------------------------------------------------------- engine
    def seed_engine(self, events, tag):
        import json

        with self.registry.cursor() as cr:
            env = self.env(cr)
            connector = env["mfg.connector"].browse(self.ids["connector_id"])
            flow = env["mfg.flow"].browse(self.ids["flow_id"])
            tech = connector.technical_user_id
            messages = (
                env["mfg.sync.message"]
                .with_user(tech)
                .sudo()  # messages are the engine's: it creates them in sudo
                .with_context(
                    tracking_disable=True,
                    mail_create_nolog=True,
                    mail_create_nosubscribe=True,
                    allowed_company_ids=[connector.company_id.id],
                )
            )
            vals = []
            for index, event in enumerate(events):
                key = f"{tag}-msg-{index}"
                raw = json.dumps(event, separators=(",", ":"))
                vals.append(
                    {
                        "direction": "inbound",
                        "connector_id": connector.id,
                        "connector_code_received": connector.code,
                        "flow_id": flow.id,
                        "flow_code": flow.code,
                        "idempotency_key": key,
                        "correlation_id": key,
                        "content_type": "application/json",
                        "payload_raw": raw,
                        "headers": json.dumps(
                            {"content-type": "application/json", "webhook-id": key}
                        ),
                        "state": "queued",
                    }
                )
            messages.create(vals)
            flow._schedule_drain()
        self.analyze()

    def run_engine(self, tag=None):
        """The queue_job runner's work, in-process, until no drain job is due
        (with ``tag``: until every message of ``tag`` is done, waiting for the
        drains other processes run)."""
        jobs = 0
        while True:
            with self.registry.cursor() as cr:
                # As the runner's own connection (autocommit): no snapshot
                # error when another process has just taken a job.
                cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
                cr.execute(
                    """
                    SELECT uuid FROM queue_job
                     WHERE state = 'pending' AND channel_method_name = %s
                       AND (eta IS NULL OR eta <= now() AT TIME ZONE 'utc')
                     ORDER BY priority, date_created, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED
                    """,
                    [DRAIN],
                )
                row = cr.fetchone()
                if not row:
                    if tag is None or self.all_done(cr, tag):
                        break
                    # A drain of another process runs; the runner would
                    # hear of a new job by a notification: poll gently.
                    time.sleep(0.02)
                    continue
                cr.execute(
                    "UPDATE queue_job SET state = 'enqueued', date_enqueued = "
                    "date_trunc('seconds', now() AT TIME ZONE 'utc') WHERE uuid = %s",
                    row,
                )
            with self.registry.cursor() as cr:
                env = self.env(cr)
                job = self.runner._acquire_job(env, row[0])
                if job is None:
                    raise RuntimeError(f"could not acquire job {row[0]}")
                self.runner._runjob(env, job)
            jobs += 1
        return jobs

    def all_done(self, cr, tag):
        cr.execute(
            "SELECT 1 FROM mfg_sync_message WHERE idempotency_key LIKE %s "
            "AND state <> 'done' LIMIT 1",
            [f"{tag}-msg-%"],
        )
        return cr.fetchone() is None

    def run_engine_parallel(self, tag, drains):
        """The queue_job runner with a channel of capacity ``drains``: as many
        processes (forked from this one, each with its own connections) take
        the due drain jobs at once, until every message of ``tag`` is done.
        Returns (jobs, CPU seconds of the processes)."""
        import resource

        # A child must not share this process's pooled connections.
        self.odoo.sql_db.close_all()
        os.environ["ODOO_QUEUE_JOB_CHANNELS"] = f"root:{drains}"
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        pids = []
        try:
            for _index in range(drains):
                pid = os.fork()
                if pid == 0:  # the child: one job worker
                    code = 1
                    try:
                        self.run_engine(tag)
                        code = 0
                    except Exception:
                        import traceback

                        traceback.print_exc()
                    finally:
                        sys.stderr.flush()
                        os._exit(code)
                pids.append(pid)
            failed = [pid for pid in pids if os.waitpid(pid, 0)[1] != 0]
        finally:
            os.environ.pop("ODOO_QUEUE_JOB_CHANNELS", None)
        if failed:
            raise RuntimeError(f"drain processes {failed} failed")
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime

    def engine_states(self, tag):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT state, count(*) FROM mfg_sync_message WHERE idempotency_key LIKE %s GROUP BY state",
                [f"{tag}-msg-%"],
            )
            return dict(cr.fetchall())

    # --------------------------------------------------------------- bare
    def run_bare(self, events, batch_size):
        from odoo.addons.mfg_integration_base.core import hashing

        connector_id, company_id = self.ids["connector_id"], self.ids["company_id"]
        tech_uid = self.ids["technical_user_id"]
        for first in range(0, len(events), batch_size):
            with self.registry.cursor() as cr:
                env = self.env(cr, tech_uid, {"allowed_company_ids": [company_id]})
                partners = env["res.partner"]
                bindings = env["mfg.external.id"].sudo()
                now = self.odoo.fields.Datetime.now()
                for event in events[first : first + batch_size]:
                    values, external_id = event["values"], event["external_id"]
                    binding = bindings.search(
                        [
                            ("connector_id", "=", connector_id),
                            ("model", "=", "res.partner"),
                            ("external_id", "=", external_id),
                        ],
                        limit=1,
                    )
                    if binding:
                        partners.browse(binding.res_id).write(values)
                        binding.write(
                            {
                                "last_sync_at": now,
                                "payload_hash": hashing.payload_hash(event),
                            }
                        )
                    else:
                        partner = partners.create(values)
                        bindings.create(
                            {
                                "connector_id": connector_id,
                                "model": "res.partner",
                                "res_id": partner.id,
                                "external_id": external_id,
                                "last_sync_at": now,
                                "payload_hash": hashing.payload_hash(event),
                            }
                        )

    def bare_check(self, tag, count):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM mfg_external_id WHERE external_id LIKE %s",
                [f"{tag}-%"],
            )
            return cr.fetchone()[0] == count // 2

    def batch_size(self):
        with self.registry.cursor() as cr:
            return self.env(cr)["mfg.flow"].browse(self.ids["flow_id"]).batch_size


def timed(func, bench):
    """Wall seconds, SQL queries, and the CPU seconds of this (Odoo) process:
    on a shared machine the wall time swings with other people's load, the
    process CPU time and the query count much less."""
    queries = bench.sql_counter()
    cpu = time.process_time()
    start = time.perf_counter()
    value = func()
    wall = time.perf_counter() - start
    timed.cpu = time.process_time() - cpu
    return wall, bench.sql_counter() - queries, value


def main():
    args = parse_args()
    engine = common.prepare_engine(args.engine)
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    db = args.database
    conf = common.write_config(
        os.path.join(tmp, f"{db}.conf"), db, common.free_port(), 0
    )
    info = common.machine_info(workers="in-process (no HTTP server)")
    info["queue_job_runner"] = (
        "emulated in-process: RunJobController._acquire_job + _runjob per due job"
    )
    common.log(f"engine {engine['source']} {engine['commit']}; database {db}")
    common.create_db(db)
    rounds, profile = [], None
    try:
        ids = common.setup_db(conf, db, os.path.join(tmp, f"{db}.install.log"))
        bench = Bench(conf, db, ids)
        batch = bench.batch_size()
        # warm-up of both paths (registry, caches, ormcache), not measured
        warm = events_for("warm-e", 100)
        bench.seed_engine(warm, "warm-e")
        bench.run_engine()
        bench.run_bare(events_for("warm-b", 100), batch)
        parallel = f"engine x{args.drains}" if args.drains > 1 else None
        for index in range(args.rounds):
            order = ["engine", "bare"] if index % 2 == 0 else ["bare", "engine"]
            if parallel:
                order.insert(index % 3, parallel)
            row = {"round": index + 1, "order": order}
            for variant in order:
                tag = f"r{index}{variant[0]}"
                events = events_for(tag, args.events)
                if variant == parallel:
                    tag = f"r{index}p"
                    events = events_for(tag, args.events)
                    bench.seed_engine(events, tag)
                    start = time.perf_counter()
                    cpu = bench.run_engine_parallel(tag, args.drains)
                    seconds = time.perf_counter() - start
                    states = bench.engine_states(tag)
                    if states != {"done": args.events}:
                        raise RuntimeError(f"{variant} round {index + 1}: {states}")
                    # The processes' queries are not counted in this one.
                    row[variant] = {"seconds": seconds, "queries": None}
                    timed.cpu = cpu
                elif variant == "engine":
                    bench.seed_engine(events, tag)
                    seconds, queries, jobs = timed(bench.run_engine, bench)
                    states = bench.engine_states(tag)
                    if states != {"done": args.events}:
                        raise RuntimeError(f"engine round {index + 1}: states {states}")
                    row[variant] = {
                        "seconds": seconds,
                        "queries": queries,
                        "jobs": jobs,
                    }
                else:
                    bench.analyze()
                    seconds, queries, _ = timed(
                        lambda ev=events: bench.run_bare(ev, batch), bench
                    )
                    if not bench.bare_check(tag, args.events):
                        raise RuntimeError(f"bare round {index + 1}: bindings missing")
                    row[variant] = {"seconds": seconds, "queries": queries}
                row[variant]["odoo_cpu_seconds"] = timed.cpu
                row[variant]["events_per_s"] = args.events / seconds
                queries = row[variant]["queries"]
                row[variant]["queries_per_event"] = (
                    queries / args.events if queries is not None else None
                )
                common.log(
                    f"round {index + 1} {variant:9s} {seconds:6.2f} s "
                    f"{args.events / seconds:7.1f} events/s "
                    f"{timed.cpu:6.2f} s CPU"
                )
            row["ratio_time_engine_vs_bare"] = (
                row["engine"]["seconds"] / row["bare"]["seconds"]
            )
            row["ratio_cpu_engine_vs_bare"] = (
                row["engine"]["odoo_cpu_seconds"] / row["bare"]["odoo_cpu_seconds"]
            )
            if parallel:
                row["ratio_events_per_s_parallel_vs_engine"] = (
                    row[parallel]["events_per_s"] / row["engine"]["events_per_s"]
                )
            rounds.append(row)
        if not args.no_profile:
            profile = profile_engine(bench, min(args.events, 1000))
            profile["sql_one_create_one_update"] = sql_of_small_runs(bench, batch)
    finally:
        if "odoo" in sys.modules:
            # give back this process's pooled connections, or DROP DATABASE fails
            import odoo

            odoo.modules.registry.Registry.delete(db)
            odoo.sql_db.close_db(db)
        if not args.keep_db:
            common.drop_db(db)
    variants = ["engine", "bare"] + ([parallel] if parallel else [])
    summary = {
        variant: {
            "median_seconds": common.median([r[variant]["seconds"] for r in rounds]),
            "median_events_per_s": common.median(
                [r[variant]["events_per_s"] for r in rounds]
            ),
            "queries_per_event": (
                common.median([r[variant]["queries_per_event"] for r in rounds])
                if variant != parallel
                else None
            ),
            "median_odoo_cpu_seconds": common.median(
                [r[variant]["odoo_cpu_seconds"] for r in rounds]
            ),
        }
        for variant in variants
    }
    summary["ratio_time_engine_vs_bare"] = (
        summary["engine"]["median_seconds"] / summary["bare"]["median_seconds"]
    )
    summary["paired_ratio_median"] = common.median(
        [r["ratio_time_engine_vs_bare"] for r in rounds]
    )
    summary["paired_ratio_per_round"] = [
        round(r["ratio_time_engine_vs_bare"], 2) for r in rounds
    ]
    summary["paired_cpu_ratio_median"] = common.median(
        [r["ratio_cpu_engine_vs_bare"] for r in rounds]
    )
    summary["ratio_queries_per_event"] = (
        summary["engine"]["queries_per_event"] / summary["bare"]["queries_per_event"]
    )
    if parallel:
        summary["paired_ratio_events_per_s_parallel_vs_engine"] = common.median(
            [r["ratio_events_per_s_parallel_vs_engine"] for r in rounds]
        )
    data = {
        "benchmark": NAME,
        "machine": info,
        "params": vars(args),
        "batch_size": batch,
        "summary": summary,
        "rounds": rounds,
        "profile_engine": profile,
    }
    path = common.write_results(NAME, data)
    rows = [
        [
            variant,
            f"{summary[variant]['median_seconds']:.2f}",
            f"{summary[variant]['median_events_per_s']:.1f}",
            (
                f"{summary[variant]['queries_per_event']:.1f}"
                if summary[variant]["queries_per_event"] is not None
                else "(not counted)"
            ),
            f"{summary[variant]['median_odoo_cpu_seconds']:.1f}",
            f"{summary[variant]['median_seconds'] / summary['bare']['median_seconds']:.2f}",
            f"{summary[variant]['median_odoo_cpu_seconds'] / summary['bare']['median_odoo_cpu_seconds']:.2f}",
        ]
        for variant in variants
    ]
    print(
        f"\n### Processing: {args.events} events (50 % create, 50 % update) x {args.rounds} rounds, "
        f"in-process, engine {info['engine_source']} ({(info['engine_commit'] or '')[:10]})\n"
    )
    print(
        common.md_table(
            [
                "variant",
                "seconds (median)",
                "events/s",
                "SQL queries/event",
                "Odoo CPU s",
                "x bare time",
                "x bare CPU",
            ],
            rows,
        )
    )
    print(
        f"\nPer-round time ratios (engine/bare, same round): {summary['paired_ratio_per_round']}; "
        f"paired CPU ratio {summary['paired_cpu_ratio_median']:.2f}; "
        f"queries per event {summary['ratio_queries_per_event']:.2f}x"
    )
    if parallel:
        print(
            f"\n{parallel} ({args.drains} job processes, channel capacity "
            f"{args.drains}) vs engine (one): "
            f"{summary['paired_ratio_events_per_s_parallel_vs_engine']:.2f}x the "
            "events/s (median of the rounds' ratios); CPU seconds are the "
            "processes' sum"
        )
    ratio = summary["ratio_time_engine_vs_bare"]
    eps = summary["engine"]["median_events_per_s"]
    print(
        f"\nGoal engine time <= 1.4 x bare: {ratio:.2f} (paired {summary['paired_ratio_median']:.2f}) -> "
        f"{'met' if ratio <= 1.4 else 'NOT met'}; goal >= 200 events/s: {eps:.0f} -> "
        f"{'met' if eps >= 200 else 'NOT met'} (machine: {info['nproc']} cores, {info['memory_gb']} GB, "
        f"load at start {info['loadavg_at_start'][0]:.1f}; PostgreSQL {info['postgres']}, Odoo {info['odoo']})"
    )
    print(f"\nJSON: {path}")


def sql_of_small_runs(bench, batch):
    """The SQL of one create + one update, through the engine and the bare loop."""
    import logging

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__()
            self.queries = []

        def emit(self, record):
            msg = record.getMessage()
            if "query:" in msg:
                self.queries.append(" ".join(msg.split("query:", 1)[1].split())[:300])

    out = {}
    for variant in ("engine", "bare"):
        events = events_for(f"sql{variant[0]}", 2)
        if variant == "engine":
            bench.seed_engine(events, f"sql{variant[0]}")
        collector = Collect()
        sql_logger = logging.getLogger("odoo.sql_db")
        sql_logger.addHandler(collector)
        sql_logger.setLevel(logging.DEBUG)
        sql_logger.propagate = False
        try:
            if variant == "engine":
                bench.run_engine()
            else:
                bench.run_bare(events, batch)
        finally:
            sql_logger.setLevel(logging.WARNING)
            sql_logger.propagate = True
            sql_logger.removeHandler(collector)
        out[variant] = collector.queries
    return out


def profile_engine(bench, count):
    """One extra engine pass under cProfile (not part of the timings)."""
    import cProfile
    import io
    import pstats

    events = events_for("prof", count)
    bench.seed_engine(events, "prof")
    profiler = cProfile.Profile()
    profiler.enable()
    bench.run_engine()
    profiler.disable()
    out = {}
    for key in ("cumulative", "tottime"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(key).print_stats(45)
        out[key] = stream.getvalue().split("\n")[:70]
    # The engine's own functions, for where its work beyond the handler goes.
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
    stats.print_stats("mfg_integration_base/(models|services|core)", 45)
    out["engine_functions"] = stream.getvalue().split("\n")[:70]
    return out


if __name__ == "__main__":
    main()

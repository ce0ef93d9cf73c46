#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Benchmark: MES events end to end with 1, 2 and 4 job workers, capacity 1 as
configured today, and two nodes vs one (issue 15, benchmarks).

    python3 bench/mes_connector_e2e.py --template mfg_nodes [--template-rev <rev>]
        [--mos 50] [--lines 10] [--rounds 1] [--engine HEAD] [--today-engine <rev>]
        [--only today,w1,w2,w4,2nodes-w4]

A running server as in production, in every configuration: Odoo in prefork mode
(6 HTTP workers, or 2 nodes x 3) with one cron thread and the queue_job runner,
behind the front address of setup/front.py (one backend, or two: every
configuration pays the same proxy hop), the runner sending its job requests
through the front. The database is a copy of ``--template`` (a database with
the five addons, e.g. the one setup/test builds) updated with the engine's code
(``git archive <rev> addons``), ``mfg_nodes_bench_<sha>``.

Per configuration and round, a fresh seed (``mes_connector_events.seed``: a MES
connector with its technical user, --lines production lines of two work centers
and a BoM each, stock, --mos confirmed MOs spread over the lines), then 4 clients send the 10 events of every MO (started,
consumed, consumed with a lot, finished, ..., completed; ``engine_event`` of
mes_connector_events) as signed JSON webhooks: each client owns a quarter of
the MOs and sends event 1 of each of them, then event 2..., so one MO's events
arrive in order while many MOs are in progress, as on a shop floor.

Measured: events/s from the first request to the moment every message is done
(throughput), intake rate (requests/s of the 202 answers), and the latency of
each event from its 202 answer to the moment a poller on its own PostgreSQL
connection sees it done (p50, p95). Ratios are taken against the 1-worker
configuration of the same round.

Configurations (label: channels, nodes x HTTP workers):
  today: root:2,root.mfg:2,root.mfg.ordered:1 (today's example: ordered flows on a
         capacity-1 channel), 1 x 6, on --today-engine (default: --engine)
  w1, w2, w4: root:N,root.mfg:N,root.mfg.ordered:N, 1 x 6
  2nodes-w4: as w4 on 2 x 3 (queue_job's runner lock elects one dispatcher)

Prints a markdown table and writes bench/results/mes_connector_e2e.json.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from types import SimpleNamespace

import psutil
import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mes_connector_events as mes_bench
import mfg_integration_base_common as common
import mfg_integration_base_latency as latency

NAME = "mes_connector_e2e"
ADDONS = (
    "mfg_integration_base,plm_connector,mes_connector,scheduler_connector,"
    "quality_bridge"
)
HTTP_WORKERS = 6
CLIENTS = 4
CONFIGS = {
    # label: (channels, nodes, engine key)
    "today": ("root:2,root.mfg:2,root.mfg.ordered:1", 1, "today"),
    "w1": ("root:1,root.mfg:1,root.mfg.ordered:1", 1, "engine"),
    "w2": ("root:2,root.mfg:2,root.mfg.ordered:2", 1, "engine"),
    "w4": ("root:4,root.mfg:4,root.mfg.ordered:4", 1, "engine"),
    "2nodes-w4": ("root:4,root.mfg:4,root.mfg.ordered:4", 2, "engine"),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="mfg_nodes")
    parser.add_argument("--mos", type=int, default=50)
    parser.add_argument(
        "--lines",
        type=int,
        default=10,
        help="production lines (2 work centers and a BoM each) the MOs spread over",
    )
    parser.add_argument(
        "--line-stock",
        action="store_true",
        help="each line consumes from, and produces into, its own line-side "
        "location (no stock row shared between lines)",
    )
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--engine", default="HEAD")
    parser.add_argument("--today-engine", default=None)
    parser.add_argument(
        "--today-template",
        default=None,
        help="template of the today engine's database (default: --template)",
    )
    parser.add_argument("--today-template-rev", default=None)
    parser.add_argument("--only", default=",".join(CONFIGS))
    parser.add_argument(
        "--port", type=int, default=8690, help="the front's; nodes on +3 and +6"
    )
    parser.add_argument("--wait", type=float, default=600.0)
    parser.add_argument(
        "--template-rev",
        default=None,
        help="the commit whose addons the template has: an engine with the same "
        "addons is not updated (-u) in its copy",
    )
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args()


# ----------------------------------------------------------------- engines
def export_suite(rev):
    """``git archive <rev> addons`` (all five addons) into bench/results/tmp."""
    sha = common.run(["git", "-C", common.ROOT, "rev-parse", rev]).stdout.strip()
    target = os.path.join(common.RESULTS_DIR, "tmp", f"suite-{sha[:12]}")
    if not os.path.isdir(os.path.join(target, "addons", "mes_connector")):
        os.makedirs(target, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", common.ROOT, "archive", sha, "addons"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    return sha, os.path.join(target, "addons")


def addons_tree(rev):
    return common.run(["git", "-C", common.ROOT, "rev-parse", f"{rev}:addons"]).stdout


def use_engine(sha, addons):
    common.ENGINE.update(source=f"git archive {sha}", commit=sha, addons=addons)


def prepare_db(sha, addons, tmp, template, template_rev):
    """A copy of the template updated with the engine's code, once per engine
    (not updated when the template has the engine's addons already)."""
    db = f"mfg_nodes_bench_{sha[:8]}"
    use_engine(sha, addons)
    conf = common.write_config(os.path.join(tmp, f"{db}-update.conf"), db, 0, 0)
    common.run(["dropdb", "--if-exists", db])
    common.run(["createdb", "-T", template, db])
    if template_rev and addons_tree(template_rev) == addons_tree(sha):
        return db
    common.log(f"updating the suite in {db} with engine {sha[:8]}")
    cmd = [sys.executable, common.ODOO_BIN, "-c", conf, "-d", db]
    cmd += ["-u", ADDONS, "--stop-after-init", "--log-level=warn"]
    with open(os.path.join(tmp, f"{db}.log"), "a") as out:
        subprocess.run(cmd, check=True, stdout=out, stderr=subprocess.STDOUT)
    return db


# ------------------------------------------------------------------- seed
def _seed_in_odoo(conf, db, mos, lines, line_stock=False):
    """Child process: mes_connector_events' seed, the webhook secret, commit."""
    import odoo
    from odoo import api

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    tag = os.urandom(3).hex()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        # seed() makes two halves of MOs (engine and bare ORM): both are ours
        data = mes_bench.seed(env, (mos + 1) // 2, tag, lines, line_stock)
        data["connector"].inbound_secret = common.WEBHOOK_SECRET
        productions = (data["engine_mos"] | data["bare_mos"])[:mos]
        cr.execute("ANALYZE")
        cr.commit()
        print(
            json.dumps(
                {
                    "connector": data["connector"].code,
                    "mos": productions.mapped("name"),
                    "screw_code": data["screw"].default_code,
                    "board_code": data["board"].default_code,
                    "lot_name": data["lot"].name,
                }
            )
        )


def seed(conf, db, mos, lines, line_stock=False):
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "seed", conf, db, str(mos)]
        + [str(lines), "1" if line_stock else "0"],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"seed failed:\n{out.stdout}\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- servers
class Front:
    """setup/front.py in a process of its own (the clients' GIL stays theirs)."""

    def __init__(self, port, backends, logfile):
        self.port = port
        cmd = [sys.executable, os.path.join(common.ROOT, "setup", "front.py")]
        cmd += ["--listen", f"127.0.0.1:{port}"]
        for backend in backends:
            cmd += ["--backend", f"127.0.0.1:{backend}"]
        self._log = open(logfile, "a")
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self._log.close()


def start_layout(db, label, channels, nodes, ports, tmp):
    """The front and ``nodes`` Odoo nodes (HTTP_WORKERS in all), started."""
    front_port, node_ports = ports[0], ports[1 : 1 + nodes]
    front = Front(front_port, node_ports, os.path.join(tmp, f"{db}-front.log"))
    servers = []
    try:
        for index, port in enumerate(node_ports):
            name = f"{db}-{label}-node{index + 1}"
            conf = common.write_config(
                os.path.join(tmp, f"{name}.conf"), db, port, HTTP_WORKERS // nodes, True
            )
            latency.production_like_config(
                conf, HTTP_WORKERS // nodes, channels, runner_port=front_port
            )
            server = common.OdooServer(conf, port, os.path.join(tmp, f"{name}.log"))
            servers.append(server.start())
    except BaseException:
        stop_layout(front, servers)
        raise
    return front, servers


def stop_layout(front, servers):
    for server in reversed(servers):
        server.stop()
    front.stop()


# ------------------------------------------------------------------- load
def client(port, connector, names, ctx, poller, accepted, errors):
    """One sender: event 1 of each of its MOs, then event 2, ..."""
    path = f"/mfg/v1/{connector}/"
    for index in range(1, mes_bench.EVENTS_PER_MO + 1):
        for name in names:
            flow, payload = mes_bench.engine_event(
                SimpleNamespace(name=name), index, ctx
            )
            msg_id = f"e2e-{name}-{index}-{os.urandom(4).hex()}"
            body = json.dumps(payload).encode()
            headers = {"Content-Type": "application/json"}
            headers.update(
                common.signatures.sign_headers(common.WEBHOOK_SECRET, msg_id, body)
            )
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}{flow}",
                data=body,
                headers=headers,
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    status = response.status
            except OSError as err:
                errors.append(repr(err))
                continue
            at = time.perf_counter()
            if status != 202:
                errors.append(f"{flow}: {status}")
                continue
            accepted[msg_id] = at
            poller.expect(msg_id, at)


def burst(port, db, data, wait):
    ctx = {
        "times": mes_bench.event_times(),
        "screw_code": data["screw_code"],
        "board_code": data["board_code"],
        "lot_name": data["lot_name"],
    }
    poller = latency.Poller(db)
    poller.start()
    accepted, errors = {}, []
    threads = [
        threading.Thread(
            target=client,
            args=(port, data["connector"], data["mos"][i::CLIENTS], ctx, poller)
            + (accepted, errors),
        )
        for i in range(CLIENTS)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent_end = time.perf_counter()
    deadline = sent_end + wait
    while poller.waiting and time.perf_counter() < deadline:
        time.sleep(0.1)
    poller.stop.set()
    poller.join()
    done = [seen for seen, _state in poller.done.values()]
    latencies = [1000 * (poller.done[k][0] - accepted[k]) for k in poller.done]
    states = {}
    for _seen, state in poller.done.values():
        states[state] = states.get(state, 0) + 1
    events = len(accepted)
    end = max(done) if done else float("nan")
    return {
        "events": events,
        "errors": errors[:5],
        "unfinished": len(poller.waiting),
        "states": states,
        "seconds": end - start,
        "events_per_s": len(done) / (end - start) if done else 0.0,
        "intake_per_s": events / (sent_end - start),
        "p50_ms": latency.percentile(latencies, 0.5),
        "p95_ms": latency.percentile(latencies, 0.95),
    }


class Sampler(threading.Thread):
    """Every half second during the burst: the PostgreSQL connections to the
    database (peak), the nodes' memory (peak RSS), and the CPU time of the
    nodes' processes and of the database's PostgreSQL backends (CPU seconds
    are what sizing needs, and unlike wall time they hold on a shared machine).
    A process first seen after the first sample counts from zero."""

    def __init__(self, db, servers):
        super().__init__(daemon=True)
        self.db, self.servers = db, servers
        self.connections = 0
        self.rss_mb = {}  # "node<i>": (sum of processes, largest process)
        self.cpu = {"odoo": {}, "pg": {}}  # pid -> [first, last] CPU seconds
        self.stop = threading.Event()

    def _cpu(self, kind, procs, first_round):
        for proc in procs:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system
            seen = self.cpu[kind].setdefault(proc.pid, [used if first_round else 0, 0])
            seen[1] = used

    def _sample(self, cr, first_round):
        cr.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.db])
        backends = [pid for (pid,) in cr.fetchall()]
        self.connections = max(self.connections, len(backends))
        self._cpu(
            "pg",
            [psutil.Process(pid) for pid in backends if psutil.pid_exists(pid)],
            first_round,
        )
        for index, server in enumerate(self.servers):
            try:
                main = psutil.Process(server.proc.pid)
                procs = [main, *main.children(recursive=True)]
                rss = [p.memory_info().rss / 2**20 for p in procs]
            except psutil.Error:
                continue
            self._cpu("odoo", procs, first_round)
            key = f"node{index + 1}"
            old_sum, old_max = self.rss_mb.get(key, (0, 0))
            self.rss_mb[key] = (max(old_sum, sum(rss)), max(old_max, *rss))

    def run(self):
        conn = psycopg2.connect(dbname=self.db)
        conn.autocommit = True
        with conn.cursor() as cr:
            self._sample(cr, True)
            while not self.stop.wait(0.5):
                self._sample(cr, False)
            self._sample(cr, False)
        conn.close()

    def cpu_seconds(self, kind):
        return sum(last - first for first, last in self.cpu[kind].values())


def end_state(db, mos):
    """Work orders done and quantity produced of the run's MOs: 2 x --mos and
    2 x --mos in every configuration (events lost or doubled would show)."""
    names = "','".join(mos)
    return common.psql(
        db,
        "SELECT (SELECT count(*) FROM mrp_workorder w JOIN mrp_production p "
        f"ON p.id = w.production_id WHERE p.name IN ('{names}') "
        "AND w.state = 'done'), "
        "(SELECT round(sum(qty_producing)::numeric, 2) FROM mrp_production "
        f"WHERE name IN ('{names}'))",
    )


def serialization_failures(logfile, start):
    """Transactions PostgreSQL refused for a concurrent update since byte
    ``start`` (two jobs writing one row: queue_job retries the job later)."""
    with open(logfile, errors="replace") as handle:
        handle.seek(start)
        return handle.read().count("could not serialize access")


def idle_share(before, after):
    """Share of the machine's CPU time (all cores) left idle between two
    ``psutil.cpu_times()``: what another job worker could still have used."""
    spent = {
        field: getattr(after, field) - getattr(before, field)
        for field in after._fields
        if field not in ("guest", "guest_nice")  # counted in user/nice already
    }
    total = sum(spent.values()) or 1.0
    return (spent["idle"] + spent.get("iowait", 0.0)) / total


def measure(args, db, label, ports, tmp):
    channels, nodes, _engine = CONFIGS[label]
    front, servers = start_layout(db, label, channels, nodes, ports, tmp)
    try:
        conf = servers[0].conf
        data = seed(conf, db, args.mos, args.lines, args.line_stock)
        load = os.getloadavg()[0]
        common.log(f"{label}: {len(data['mos'])} MOs seeded, load {load:.1f}")
        starts = [os.path.getsize(server.logfile) for server in servers]
        sampler = Sampler(db, servers)
        sampler.start()
        machine = psutil.cpu_times()
        result = burst(front.port, db, data, args.wait)
        result["machine_idle"] = idle_share(machine, psutil.cpu_times())
        sampler.stop.set()
        sampler.join()
        result["serialization_failures"] = sum(
            serialization_failures(server.logfile, start)
            for server, start in zip(servers, starts, strict=True)
        )
        result.update(label=label, channels=channels, nodes=nodes, load1=load)
        result.update(pg_connections=sampler.connections, rss_mb=sampler.rss_mb)
        events = max(result["events"], 1)
        result["odoo_cpu_ms_per_event"] = 1000 * sampler.cpu_seconds("odoo") / events
        result["pg_cpu_ms_per_event"] = 1000 * sampler.cpu_seconds("pg") / events
        result["end_state"] = end_state(db, data["mos"])
    finally:
        stop_layout(front, servers)
    common.log(f"{label}: {result}")
    return result


def main():
    args = parse_args()
    labels = [label for label in args.only.split(",") if label]
    tmp = os.path.join(common.RESULTS_DIR, "tmp")
    os.makedirs(tmp, exist_ok=True)
    engines = {"engine": export_suite(args.engine)}
    engines["today"] = export_suite(args.today_engine or args.engine)
    dbs = {}
    templates = {
        "engine": (args.template, args.template_rev),
        "today": (
            args.today_template or args.template,
            args.today_template_rev or args.template_rev,
        ),
    }
    for key in sorted({CONFIGS[label][2] for label in labels}):
        sha, addons = engines[key]
        if sha not in dbs:
            dbs[sha] = prepare_db(sha, addons, tmp, *templates[key])
    ports = [args.port + 3 * i for i in range(3)]  # front, node 1, node 2
    info = common.machine_info(workers=HTTP_WORKERS)
    rows, results = [], []
    try:
        for round_index in range(args.rounds):
            base = None
            for label in labels:
                sha, addons = engines[CONFIGS[label][2]]
                use_engine(sha, addons)
                result = measure(args, dbs[sha], label, ports, tmp)
                result.update(round=round_index + 1, engine=sha[:8])
                results.append(result)
                if label == "w1":
                    base = result
                rows.append(result)
            for result in rows[-len(labels) :]:
                result["x_w1"] = (
                    result["events_per_s"] / base["events_per_s"] if base else None
                )
    finally:
        if not args.keep_db:
            for db in dbs.values():
                common.run(["dropdb", "--if-exists", db], check=False)
    table = common.md_table(
        [
            "round",
            "config",
            "engine",
            "nodes",
            "channels",
            "events",
            "not done",
            "events/s",
            "x w1",
            "intake req/s",
            "p50 ms",
            "p95 ms",
            "load (1 min)",
            "machine idle",
            "serialization failures",
            "CPU ms/event Odoo + PG",
            "PG conns",
            "RSS MB (sum / largest process)",
        ],
        [
            [
                r["round"],
                r["label"],
                r["engine"],
                r["nodes"],
                r["channels"],
                r["events"],
                r["unfinished"],
                f"{r['events_per_s']:.1f}",
                f"{r['x_w1']:.2f}" if r["x_w1"] else "",
                f"{r['intake_per_s']:.1f}",
                f"{r['p50_ms']:.0f}",
                f"{r['p95_ms']:.0f}",
                f"{r['load1']:.1f}",
                f"{r['machine_idle']:.0%}",
                r["serialization_failures"],
                f"{r['odoo_cpu_ms_per_event']:.0f} + {r['pg_cpu_ms_per_event']:.0f}",
                r["pg_connections"],
                ", ".join(f"{a:.0f} / {b:.0f}" for a, b in r["rss_mb"].values()),
            ]
            for r in rows
        ],
    )
    print(table)
    path = common.write_results(
        NAME, {"machine": info, "args": vars(args), "results": results, "table": table}
    )
    common.log(f"results in {path}")


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "seed":
        _seed_in_odoo(
            sys.argv[2],
            sys.argv[3],
            int(sys.argv[4]),
            int(sys.argv[5]),
            sys.argv[6] == "1",
        )
    else:
        main()

#!/usr/bin/env python3
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared plumbing of the mfg_integration_base benchmarks (no Odoo import at
module level, so load-generating client processes stay light).

- databases copied from the template ``mfg_tmpl_deps`` and the two addons
  installed (``mfg_integration_base`` and ``bench/addons/mfg_bench_baseline``);
- an Odoo configuration file with ``db_name`` set and NO ``dbfilter``;
- the setup of the bench connector through Odoo's Python API (run in a child
  process: ``python3 bench/mfg_integration_base_common.py setup CONF DB``);
- Odoo servers started and stopped as subprocesses (by their own pid);
- a keep-alive HTTP load generator (one process per client, barrier start);
- machine information for the JSON results.
"""

import base64
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
RESULTS_DIR = os.path.join(BENCH, "results")
ODOO_ROOT = os.environ.get("ODOO_ROOT", "/opt/odoo18")
ODOO_BIN = os.path.join(ODOO_ROOT, "odoo-bin")
ENGINE = {"source": "worktree", "commit": None, "addons": os.path.join(ROOT, "addons")}
TEMPLATE_DB = os.environ.get("MFG_BENCH_TEMPLATE", "mfg_tmpl_deps")
DB_PREFIX = "mfg_bench_mib_"
SECRETS_KEY = os.environ.get(
    "MFG_SECRETS_KEY", "0I6GnZvS1gZ98ltMLs_iuMzRJx-krAo_WFODXYf6RwA="
)
MODULES = "mfg_integration_base,mfg_bench_baseline"
CONNECTOR_CODE = "bench"
FLOW_CODE = "generic.record.upsert"
# A Standard Webhooks secret (whsec_ + base64 of 32 bytes), the same for the
# connector and the floor route.
WEBHOOK_SECRET = (
    "whsec_" + base64.b64encode(b"mfg-bench-signing-secret-32bytes").decode()
)
ENGINE_PATH = f"/mfg/v1/{CONNECTOR_CODE}/{FLOW_CODE}"
FLOOR_PATH = "/mfg_bench/floor"
BARE_PATH = "/mfg_bench/bare"


def log(text):
    print(f"[{datetime.now():%H:%M:%S}] {text}", file=sys.stderr, flush=True)


# ------------------------------------------------------------- signatures
def _load_signatures():
    """core/signatures.py of the engine is pure python: load it by path so the
    client never imports odoo."""
    import importlib.util

    path = os.path.join(ROOT, "addons", "mfg_integration_base", "core", "signatures.py")
    spec = importlib.util.spec_from_file_location("mfg_bench_signatures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


signatures = _load_signatures()


def upsert_body(external_id, name, email):
    return json.dumps(
        {
            "schema_version": "1.0",
            "external_id": external_id,
            "values": {"name": name, "email": email},
        },
        separators=(",", ":"),
    ).encode()


def signed_requests(path, count, tag):
    """``count`` (path, body, headers) with a fresh webhook-id each, signed now."""
    now = int(time.time())
    out = []
    for _i in range(count):
        msg_id = f"{tag}-{uuid.uuid4().hex}"
        body = upsert_body(
            f"ext-{msg_id}",
            f"Bench partner {msg_id[-8:]}",
            f"{msg_id[-12:]}@bench.example",
        )
        headers = {"Content-Type": "application/json"}
        headers.update(signatures.sign_headers(WEBHOOK_SECRET, msg_id, body, now))
        out.append((path, body, headers))
    return out


def _check_floor_signature_compatible():
    # The floor route re-implements verification with the standard library:
    # make sure it agrees with the engine's signer on one sample.
    body = b"{}"
    sig = signatures.sign(WEBHOOK_SECRET, "x", 1, body).split(",", 1)[1]
    key = base64.b64decode(WEBHOOK_SECRET[len("whsec_") :])
    mine = base64.b64encode(
        hmac.new(key, b"x.1." + body, hashlib.sha256).digest()
    ).decode()
    assert sig == mine


_check_floor_signature_compatible()


# -------------------------------------------------------------- databases
def run(cmd, check=True, **kw):
    return subprocess.run(cmd, check=check, text=True, capture_output=True, **kw)


def db_exists(db):
    out = run(
        [
            "psql",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{db}'",
        ]
    )
    return out.stdout.strip() == "1"


def is_bench_db(db):
    """Only databases named as a bench's are ever dropped or re-created."""
    return db.startswith(DB_PREFIX) or db.endswith("_bench")


def drop_db(db):
    assert is_bench_db(db), db
    out = run(["dropdb", "--if-exists", db], check=False)
    if out.returncode:
        log(f"could not drop {db}: {out.stderr.strip()}")


def create_db(db, retries=10):
    """A fresh copy of the template (retries while the template is in use)."""
    assert is_bench_db(db), db
    drop_db(db)
    for attempt in range(retries):
        out = run(["createdb", "-T", TEMPLATE_DB, db], check=False)
        if out.returncode == 0:
            return
        log(f"createdb {db} failed ({out.stderr.strip()}), retry {attempt + 1}")
        time.sleep(3)
    raise RuntimeError(f"cannot create {db} from {TEMPLATE_DB}")


def psql(db, sql):
    return run(
        ["psql", "-X", "-v", "ON_ERROR_STOP=1", "-d", db, "-tAc", sql]
    ).stdout.strip()


def free_port(start=8300, end=8399, avoid=()):
    for port in range(start, end + 1):
        if port in avoid:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        # the gevent (longpolling) port is http_port + 1 in our configs
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1 if port < end else port - 1))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {start}-{end}")


def prepare_engine(rev="HEAD"):
    """Which engine code the servers run. The working tree is shared with
    engineers editing it right now, so by default the benchmarks run a clean
    export of a commit (``git archive <rev> addons/mfg_integration_base``) in
    bench/results/tmp/; ``worktree`` runs the live tree as it is."""
    if rev == "worktree":
        ENGINE.update(source="worktree", addons=os.path.join(ROOT, "addons"))
        ENGINE["commit"] = (
            run(["git", "-C", ROOT, "rev-parse", "HEAD"]).stdout.strip() + "+worktree"
        )
        return ENGINE
    sha = run(["git", "-C", ROOT, "rev-parse", rev]).stdout.strip()
    target = os.path.join(RESULTS_DIR, "tmp", f"engine-{sha[:12]}")
    if not os.path.isdir(os.path.join(target, "addons", "mfg_integration_base")):
        os.makedirs(target, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", ROOT, "archive", sha, "addons/mfg_integration_base"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", target], input=archive, check=True)
    ENGINE.update(
        source=f"git archive {rev}", commit=sha, addons=os.path.join(target, "addons")
    )
    return ENGINE


def addons_path():
    return ",".join(
        [
            ENGINE["addons"],
            os.path.join(BENCH, "addons"),
            os.path.join(ODOO_ROOT, "addons"),
            os.path.join(ODOO_ROOT, "odoo", "addons"),
        ]
    )


def write_config(path, db, port, workers, runner=False, extra=None):
    """Odoo config of the benchmarks: db_name, no dbfilter, prefork workers."""
    lines = [
        "[options]",
        f"addons_path = {addons_path()}",
        f"db_name = {db}",
        "dbfilter =",
        "list_db = False",
        "db_host = False",
        "db_port = False",
        "db_user = False",
        "db_password = False",
        f"mfg_secrets_key = {SECRETS_KEY}",
        "server_wide_modules = base,web,queue_job",
        "http_interface = 127.0.0.1",
        f"http_port = {port}",
        f"gevent_port = {port + 1}",
        f"workers = {workers}",
        "max_cron_threads = 0",
        "log_level = warn",
        "limit_time_cpu = 600",
        "limit_time_real = 1200",
        "limit_memory_soft = 4294967296",
        "limit_memory_hard = 5368709120",
        "proxy_mode = False",
        "without_demo = all",
    ]
    lines += [f"{k} = {v}" for k, v in (extra or {}).items()]
    # The job runner would run the enqueued jobs through HTTP on these same
    # workers in the middle of an intake measurement: off unless asked.
    lines += ["", "[queue_job]", "channels = root:1" if runner else "channels = root:0"]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def install(conf, db, logfile, modules=MODULES):
    cmd = [
        sys.executable,
        ODOO_BIN,
        "-c",
        conf,
        "-d",
        db,
        "-i",
        modules,
        "--stop-after-init",
    ]
    with open(logfile, "a") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode:
        raise RuntimeError(f"install failed, see {logfile}")


def setup_db(conf, db, logfile, modules=MODULES):
    """Install, then configure the connector and the floor secret (child process)."""
    install(conf, db, logfile, modules)
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "setup", conf, db],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise RuntimeError(f"setup failed:\n{out.stdout}\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _setup_in_odoo(conf, db):
    """Runs inside a child process: Odoo's Python API, Registry + cursor, commit."""
    import odoo
    from odoo import Command

    odoo.tools.config.parse_config(["-c", conf, "-d", db])
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        connector = env["mfg.connector"].search([("code", "=", CONNECTOR_CODE)])
        if not connector:
            groups = (
                "base.group_user",
                "base.group_partner_manager",
                "mfg_integration_base.mfg_integration_base_group_technical",
            )
            tech = env["res.users"].create(
                {
                    "name": "Bench technical user",
                    "login": "bench_tech",
                    "groups_id": [Command.set([env.ref(g).id for g in groups])],
                }
            )
            partner_model = env["ir.model"]._get("res.partner")
            allowed = env["ir.model.fields"].search(
                [("model", "=", "res.partner"), ("name", "in", ("name", "email"))]
            )
            connector = env["mfg.connector"].create(
                {
                    "name": "Bench connector",
                    "code": CONNECTOR_CODE,
                    "kind": "generic",
                    "technical_user_id": tech.id,
                    "responsible_user_id": env.ref("base.user_admin").id,
                }
            )
            # the signing secret through the ORM, encrypted under the secrets key
            connector.inbound_secret = WEBHOOK_SECRET
            env["mfg.flow"].create(
                {
                    "connector_id": connector.id,
                    "code": FLOW_CODE,
                    "target_model_id": partner_model.id,
                    "allowed_field_ids": [Command.set(allowed.ids)],
                }
            )
            connector.action_activate()
        env["ir.config_parameter"].set_param(
            "mfg_bench_baseline.secret", WEBHOOK_SECRET
        )
        flow = connector.flow_ids.filtered(lambda f: f.code == FLOW_CODE)
        assert connector._get_inbound_secrets() == [WEBHOOK_SECRET]
        cr.commit()
        print(
            json.dumps(
                {
                    "connector_id": connector.id,
                    "flow_id": flow.id,
                    "technical_user_id": connector.technical_user_id.id,
                    "company_id": connector.company_id.id,
                }
            )
        )


# ----------------------------------------------------------------- server
class OdooServer:
    """An Odoo server subprocess; stopped by its own pid (SIGTERM, then SIGKILL)."""

    def __init__(self, conf, port, logfile, extra_args=()):
        self.conf, self.port, self.logfile = conf, port, logfile
        self.extra_args = list(extra_args)
        self.proc = None

    def start(self, timeout=180):
        cmd = [sys.executable, ODOO_BIN, "-c", self.conf, *self.extra_args]
        self._log = open(self.logfile, "a")
        self.proc = subprocess.Popen(
            cmd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"Odoo exited ({self.proc.returncode}), see {self.logfile}"
                )
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.port}/web/health", timeout=5
                ) as r:
                    if r.status == 200:
                        return self._still_ours()
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer on {self.port}, see {self.logfile}")

    def _still_ours(self):
        # Another benchmark may have taken the port between free_port() and
        # our bind: then that server answered the health check while ours
        # died on "Address already in use". Ours must still be running.
        time.sleep(2)
        if self.proc.poll() is not None:
            raise RuntimeError(
                f"Odoo exited ({self.proc.returncode}) while port {self.port} "
                f"answered: another server holds it, see {self.logfile}"
            )
        return self

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            # our own process group (start_new_session): the master and its workers
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# ------------------------------------------------------------------- load
def _client(port, reqs, barrier, queue):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    statuses, latencies, reconnects = {}, [], 0
    barrier.wait()
    start = time.perf_counter()
    for path, body, headers in reqs:
        t0 = time.perf_counter()
        for attempt in range(3):
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                break
            except (
                http.client.RemoteDisconnected,
                ConnectionError,
                http.client.BadStatusLine,
            ):
                conn.close()
                reconnects += 1
                if attempt == 2:
                    raise
        latencies.append(time.perf_counter() - t0)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
    end = time.perf_counter()
    conn.close()
    queue.put(
        {
            "start": start,
            "end": end,
            "statuses": statuses,
            "latencies": latencies,
            "reconnects": reconnects,
        }
    )


def run_load(port, per_client):
    """Send each client's list on its own keep-alive connection, all released
    together; returns requests/s over the wall time and the status counts."""
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(per_client))
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_client, args=(port, reqs, barrier, queue))
        for reqs in per_client
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=1800) for _ in procs]
    for proc in procs:
        proc.join()
    return aggregate(results)


def aggregate(results):
    """Requests/s over the wall time, statuses and latencies of client results."""
    total = sum(len(r["latencies"]) for r in results)
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    statuses = {}
    for r in results:
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
    latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "requests": total,
        "seconds": wall,
        "rps": total / wall,
        "statuses": statuses,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
        "reconnects": sum(r["reconnects"] for r in results),
    }


def median(values):
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------- machine
def machine_info(workers=None):
    mem_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(
                (
                    line.split(":", 1)[1].strip()
                    for line in handle
                    if line.startswith("model name")
                ),
                "",
            )
    except OSError:
        pass
    pg = run(
        ["psql", "-d", "postgres", "-tAc", "SHOW server_version"], check=False
    ).stdout.strip()
    odoo_version = run(
        [sys.executable, "-c", "import odoo.release as r; print(r.version)"],
        check=False,
        cwd=ODOO_ROOT,
    ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgres": pg,
        "odoo": odoo_version,
        "workers": workers,
        "db_filter": "off (db_name set, no dbfilter)",
        "queue_job_runner": None,
        "loadavg_at_start": os.getloadavg(),
        "date_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine_source": ENGINE["source"],
        "engine_commit": ENGINE["commit"],
    }


def write_results(name, data):
    os.makedirs(RESULTS_DIR, exist_ok=True)
    path = os.path.join(RESULTS_DIR, f"{name}.json")
    with open(path, "w") as handle:
        json.dump(data, handle, indent=2, default=str)
    return path


def md_table(headers, rows):
    out = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "setup":
        _setup_in_odoo(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)

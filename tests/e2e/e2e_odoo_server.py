# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One Odoo server process for the end-to-end tests, on its own database copy,
configuration, data directory and port (8430-8499, or ``MFG_E2E_PORTS=first-last``
so that concurrent runs on one machine keep out of each other's way)."""

import configparser
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import psycopg2
import requests


def _port_range():
    first, _sep, last = os.environ.get("MFG_E2E_PORTS", "8430-8499").partition("-")
    return range(int(first), int(last) + 1)


PORTS = _port_range()


def _port_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count):
    """``count`` consecutive free ports in ``PORTS`` (the plant's range)."""
    starts = list(PORTS)[:-count]
    random.shuffle(starts)
    for start in starts:
        if all(_port_free(start + i) for i in range(count)):
            return start
    raise RuntimeError(f"no {count} free ports in {PORTS.start}-{PORTS.stop - 1}")


class OdooServer:
    """One Odoo server process with the queue_job runner: threaded with one cron
    thread by default; ``workers`` > 0 makes it a prefork node (its runner is a
    process of its own). Several nodes of one database share its ``data_dir``
    (the filestore) and may send the runner's job requests to a front address
    (``runner_port``) instead of their own port."""

    CHANNELS = "root:2,root.mfg:2"

    def __init__(
        self,
        base_conf,
        db,
        workdir,
        workers=0,
        channels=CHANNELS,
        data_dir=None,
        runner_port=None,
    ):
        self.db = db
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.data_dir = Path(data_dir or self.workdir / "data")
        self.port = free_ports(2)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.workdir / "odoo.log"
        self.conf = self.workdir / "odoo.conf"
        self.launcher = self.workdir / "odoo-bin"
        self.process = None
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(base_conf)
        options = dict(parser["options"])
        self.pg = {
            key: options[f"db_{key}"]
            for key in ("host", "port", "user", "password")
            if options.get(f"db_{key}") not in (None, "", "False")
        }
        keep = (
            "addons_path",
            "db_host",
            "db_port",
            "db_user",
            "db_password",
            "mfg_secrets_key",
        )
        lines = [f"{k} = {v}" for k, v in options.items() if k in keep]
        lines += [
            f"data_dir = {self.data_dir}",
            f"db_name = {db}",
            "list_db = False",
            "http_interface = 127.0.0.1",
            f"http_port = {self.port}",
            f"gevent_port = {self.port + 1}",
            "server_wide_modules = base,web,queue_job",
            f"workers = {workers}",
            "max_cron_threads = 1",
            "log_level = info",
            f"logfile = {self.log}",
        ]
        if workers:  # behind a front: X-Forwarded-* are the client's
            lines.append("proxy_mode = True")
        queue_job = [f"channels = {channels}"]
        if runner_port:
            queue_job.append(f"port = {runner_port}")
        self.conf.write_text(
            "[options]\n"
            + "\n".join(lines)
            + "\n\n[queue_job]\n"
            + "\n".join(queue_job)
            + "\n"
        )
        self.launcher.write_text(
            f"#!{sys.executable}\nimport os\nos.environ['TZ'] = 'UTC'\n"
            "import odoo\n\nif __name__ == '__main__':\n    odoo.cli.main()\n"
        )
        self.launcher.chmod(0o755)

    def _pg(self):
        return psycopg2.connect(dbname="postgres", **self.pg)

    def create_db(self, template, template_filestore=None):
        conn = self._pg()
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{self.db}"')
            for _attempt in range(30):
                try:
                    cr.execute(f'CREATE DATABASE "{self.db}" TEMPLATE "{template}"')
                    break
                except psycopg2.errors.ObjectInUse:
                    time.sleep(1)  # a session on the template is closing
            else:
                raise RuntimeError(f"database {template} stays in use: cannot copy it")
        conn.close()
        if template_filestore and Path(template_filestore).is_dir():
            shutil.copytree(template_filestore, self.data_dir / "filestore" / self.db)

    def drop_db(self):
        conn = self._pg()
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        conn.close()

    def start(self, timeout=240):
        self.process = subprocess.Popen(
            [str(self.launcher), "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Odoo exited ({self.process.returncode}): {self.tail()}"
                )
            try:
                if requests.get(f"{self.url}/web/login", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"Odoo did not answer in {timeout}s: {self.tail()}")

    def send_signal(self, sig):
        """``sig`` to the server's process group (SIGSTOP freezes the node)."""
        os.killpg(self.process.pid, sig)

    def kill(self, sig=signal.SIGKILL):
        """Stop the server as a crash (SIGKILL) or a shutdown (SIGTERM) does."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)

    def pids(self):
        """The node's processes: the server, its workers, its runner."""
        if not self.process or self.process.poll() is not None:
            return []
        main = psutil.Process(self.process.pid)
        return [main.pid] + [child.pid for child in main.children(recursive=True)]

    def wait_log(self, text, timeout=60):
        """Until the server's log holds ``text`` (e.g. its runner holds the lock)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.log.exists() and text in self.log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{text!r} not in {self.log} after {timeout}s")

    def tail(self, lines=40):
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def errors(self):
        """ERROR/CRITICAL lines of the server's log, but for the serialization
        failures and deadlocks of concurrent jobs (Odoo logs their query; the
        engine stops the batch and drains the rest in a new transaction):
        those are counted by ``serialization_failures``."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        errors = []
        for index, line in enumerate(lines):
            if " ERROR " not in line and " CRITICAL " not in line:
                continue
            if "bad query" in line and any(
                "could not serialize access" in after or "deadlock detected" in after
                for after in lines[index + 1 : index + 4]
            ):
                continue
            errors.append(line)
        return errors

    def serialization_failures(self):
        if not self.log.exists():
            return 0
        text = self.log.read_text(errors="replace")
        refused = ("could not serialize access", "deadlock detected")
        return sum(text.count(reason) for reason in refused)

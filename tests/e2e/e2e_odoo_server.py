# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One Odoo server process for the end-to-end tests, on its own database copy,
configuration, data directory and port (8430-8499)."""

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

import psycopg2
import requests

PORTS = range(8430, 8500)


def _port_free(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count):
    """``count`` consecutive free ports in 8430-8499 (the plant's range)."""
    starts = list(PORTS)[:-count]
    random.shuffle(starts)
    for start in starts:
        if all(_port_free(start + i) for i in range(count)):
            return start
    raise RuntimeError("no free ports in 8430-8499")


class OdooServer:
    """One Odoo server process (threaded, one cron thread, the queue_job runner)."""

    def __init__(self, base_conf, db, workdir):
        self.db = db
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
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
            f"data_dir = {self.workdir / 'data'}",
            f"db_name = {db}",
            "list_db = False",
            "http_interface = 127.0.0.1",
            f"http_port = {self.port}",
            f"gevent_port = {self.port + 1}",
            "server_wide_modules = base,web,queue_job",
            "workers = 0",
            "max_cron_threads = 1",
            "log_level = info",
            f"logfile = {self.log}",
        ]
        self.conf.write_text(
            "[options]\n"
            + "\n".join(lines)
            + "\n\n[queue_job]\nchannels = root:2,root.mfg:2,root.mfg.ordered:1\n"
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
            shutil.copytree(
                template_filestore, self.workdir / "data" / "filestore" / self.db
            )

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

    def kill(self, sig=signal.SIGKILL):
        """Stop the server as a crash (SIGKILL) or a shutdown (SIGTERM) does."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(30)

    def tail(self, lines=40):
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def errors(self):
        """ERROR/CRITICAL lines of the server's log, but for the serialization
        failures of concurrent jobs (Odoo logs their query, the engine retries
        them as transient): those are counted by ``serialization_failures``."""
        if not self.log.exists():
            return []
        lines = self.log.read_text(errors="replace").splitlines()
        errors = []
        for index, line in enumerate(lines):
            if " ERROR " not in line and " CRITICAL " not in line:
                continue
            if "bad query" in line and any(
                "could not serialize access" in after
                for after in lines[index + 1 : index + 4]
            ):
                continue
            errors.append(line)
        return errors

    def serialization_failures(self):
        if not self.log.exists():
            return 0
        return self.log.read_text(errors="replace").count("could not serialize access")

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small client of Odoo's external API (JSON-RPC at /jsonrpc)."""

import itertools
import time

import requests


class OdooRpcError(Exception):
    pass


class OdooRpc:
    def __init__(self, url, db, login="admin", password="admin", timeout=120):
        self.url = url.rstrip("/")
        self.db = db
        self.login = login
        self.password = password
        self.timeout = timeout
        self.uid = None
        self._ids = itertools.count(1)
        self.session = requests.Session()

    def _rpc(self, service, method, *args):
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self._ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        response = self.session.post(
            f"{self.url}/jsonrpc", json=body, timeout=(5, self.timeout)
        )
        response.raise_for_status()
        data = response.json()
        if data.get("error"):
            error = data["error"]
            detail = (error.get("data") or {}).get("message") or error.get("message")
            raise OdooRpcError(detail)
        return data.get("result")

    def authenticate(self):
        self.uid = self._rpc("common", "login", self.db, self.login, self.password)
        if not self.uid:
            raise OdooRpcError(f"login {self.login} refused by database {self.db}")
        return self.uid

    def call(self, model, method, *args, **kwargs):
        if self.uid is None:
            self.authenticate()
        return self._rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def search_read(self, model, domain, fields=(), **kwargs):
        return self.call(model, "search_read", domain, list(fields), **kwargs)

    def ref(self, xmlid):
        module, name = xmlid.split(".", 1)
        rows = self.search_read(
            "ir.model.data", [("module", "=", module), ("name", "=", name)], ["res_id"]
        )
        if not rows:
            raise OdooRpcError(f"no record {xmlid}")
        return rows[0]["res_id"]

    def wait(self, what, predicate, timeout=120, interval=0.5):
        """Poll ``predicate()`` until it returns something true; return it."""
        deadline = time.time() + timeout
        last_error = None
        while time.time() < deadline:
            try:
                result = predicate()
            except (requests.RequestException, OdooRpcError) as err:
                result, last_error = None, err
            if result:
                return result
            time.sleep(interval)
        raise TimeoutError(f"waited {timeout}s for {what} (last error: {last_error})")


def wait_http(url, timeout=300):
    """Wait until ``url`` answers 200 (Odoo's /web/login once it is up)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")

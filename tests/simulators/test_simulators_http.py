# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A simulator's HTTP side: it keeps Odoo's signed messages once, refuses
unsigned ones, and signs what it sends so that the engine's code accepts it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from mfg_integration_base_core import signatures

from simulators import signing
from simulators.base import Simulator


class Recorder(Simulator):
    kind = "recorder"

    def __init__(self):
        super().__init__(port=0)
        self.reactions = []

    def on_message(self, flow, payload):
        self.reactions.append((flow, payload))


@pytest.fixture
def simulator():
    sim = Recorder().start()
    yield sim
    sim.stop()


def _post(sim, flow, payload, secret, msg_id="msg-1"):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": msg_id}
    headers.update(signatures.sign_headers(secret, msg_id, body))
    return requests.post(
        f"{sim.base_url}/{flow}", data=body, headers=headers, timeout=5
    )


def test_keeps_signed_messages_once_and_refuses_the_others(simulator):
    secret = signing.new_secret()
    simulator.configure("http://127.0.0.1:9", "sim", signing.new_secret(), secret)
    payload = {"schema_version": "1.0", "production_order": "WH/MO/00001"}
    assert _post(simulator, "mes.order.released", payload, secret).status_code == 200
    assert _post(simulator, "mes.order.released", payload, secret).status_code == 200
    wrong = signing.new_secret()
    assert _post(simulator, "mes.order.released", payload, wrong).status_code == 401
    simulator.wait_idle()
    received = requests.get(f"{simulator.base_url}/received", timeout=5).json()
    assert [(r["flow"], r["payload"]) for r in received] == [
        ("mes.order.released", payload)
    ]
    assert simulator.redelivered == 1 and len(simulator.rejected) == 1
    assert simulator.reactions == [("mes.order.released", payload)]
    assert requests.get(simulator.base_url, timeout=5).json()["status"] == "ok"


class FakeOdoo(BaseHTTPRequestHandler):
    secret = None
    seen = None

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        try:
            signatures.verify(
                [FakeOdoo.secret],
                self.headers["webhook-id"],
                self.headers["webhook-timestamp"],
                self.headers["webhook-signature"],
                body,
            )
            status = 202
        except signatures.SignatureError:
            status = 401
        FakeOdoo.seen.append((self.path, status, json.loads(body)))
        answer = json.dumps({"status": "queued"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_args):
        pass


def test_sends_webhooks_the_engine_accepts(simulator):
    FakeOdoo.secret, FakeOdoo.seen = signing.new_secret(), []
    odoo = ThreadingHTTPServer(("127.0.0.1", 0), FakeOdoo)
    threading.Thread(target=odoo.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{odoo.server_address[1]}"
        simulator.configure(url, "plant-mes", FakeOdoo.secret, signing.new_secret())
        status, answer = simulator.send("mes.operation.event", {"sequence": 1})
    finally:
        odoo.shutdown()
        odoo.server_close()
    assert (status, answer) == (202, {"status": "queued"})
    assert FakeOdoo.seen == [
        ("/mfg/v1/plant-mes/mes.operation.event", 202, {"sequence": 1})
    ]
    assert simulator.sent[0]["status"] == 202

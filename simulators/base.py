# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the four simulators share: an HTTP service on 127.0.0.1 that verifies
and keeps Odoo's signed messages, and a sender of signed webhooks to Odoo."""

import json
import logging
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from . import signing

_logger = logging.getLogger("simulators")


class Simulator:
    """One external system. Subclasses set ``kind`` and override ``on_message``.

    ``configure(odoo_url, connector_code, inbound_secret, outbound_secret)``:
    ``inbound_secret`` signs what the simulator sends to Odoo (Odoo's connector
    inbound secret), ``outbound_secret`` verifies what Odoo sends (the connector's
    outbound secret).
    """

    kind = "generic"

    def __init__(self, port=0, host="127.0.0.1"):
        self.lock = threading.RLock()
        self.received = []  # Odoo's messages, first copies only
        self.redelivered = 0  # copies of a message already received
        self.rejected = []  # requests whose signature did not verify
        self.sent = []  # webhooks sent to Odoo: id, flow, payload, status
        self.errors = []  # exceptions raised by on_message
        self.odoo_url = None
        self.connector_code = None
        self.inbound_secret = None
        self.outbound_secret = None
        self.session = requests.Session()
        self._seen = set()
        self._workers = []
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base_url = f"http://{host}:{self.port}"
        self._thread = None

    # ------------------------------------------------------------- lifecycle
    def configure(self, odoo_url, connector_code, inbound_secret, outbound_secret):
        self.odoo_url = odoo_url.rstrip("/")
        self.connector_code = connector_code
        self.inbound_secret = inbound_secret
        self.outbound_secret = outbound_secret

    def start(self):
        self._thread = threading.Thread(
            target=self.server.serve_forever, name=f"sim-{self.kind}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def wait_idle(self, timeout=30):
        """Wait for the reactions to Odoo's messages still running."""
        deadline = time.time() + timeout
        for worker in list(self._workers):
            worker.join(max(0.0, deadline - time.time()))

    # --------------------------------------------------------------- inbound
    def _handler_class(self):
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            server_version = f"mfg-{simulator.kind}-simulator/1"

            def log_message(self, fmt, *args):  # quiet: the plant logs itself
                _logger.debug("%s %s", simulator.kind, fmt % args)

            def _answer(self, status, body):
                data = json.dumps(body, default=str).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                answer = simulator.serve_get(self.path, self.headers)
                if answer is not None:
                    return self._answer(*answer)
                if self.path.rstrip("/") == "/received":
                    with simulator.lock:
                        body = list(simulator.received)
                    return self._answer(200, body)
                if self.path.rstrip("/") == "/sent":
                    with simulator.lock:
                        body = list(simulator.sent)
                    return self._answer(200, body)
                if self.path.rstrip("/") == "/state":
                    return self._answer(200, simulator.state())
                return self._answer(200, {"system": simulator.kind, "status": "ok"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = simulator.receive(self.path, self.headers, body)
                self._answer(status, answer)

        return Handler

    def receive(self, path, headers, body):
        """One POST from Odoo: verify, keep (once), react in the background."""
        flow = path.strip("/").split("/")[-1]
        try:
            msg_id = signing.verify(self.outbound_secret or "", headers, body)
        except signing.SignatureError as err:
            with self.lock:
                self.rejected.append({"flow": flow, "error": str(err)})
            return 401, {"error": str(err)}
        if (headers.get("Content-Type") or "").startswith("application/xml"):
            try:
                payload = self.read_xml(flow, body)
            except ValueError as err:  # lxml's syntax errors are ValueErrors
                return 400, {"error": f"XML not understood: {err}"}
        else:
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"error": "body is not JSON"}
        key = headers.get("Idempotency-Key") or msg_id
        with self.lock:
            if key in self._seen:
                self.redelivered += 1
                return 200, {"status": "duplicate"}
            self._seen.add(key)
            self.received.append(
                {
                    "flow": flow,
                    "webhook_id": msg_id,
                    "idempotency_key": key,
                    "payload": payload,
                    "at": time.time(),
                }
            )
        worker = threading.Thread(target=self._react, args=(flow, payload), daemon=True)
        self._workers = [w for w in self._workers if w.is_alive()] + [worker]
        worker.start()
        return 200, {"status": "received"}

    def _react(self, flow, payload):
        try:
            self.on_message(flow, payload)
        except Exception as err:  # a simulator bug must show, not kill the server
            _logger.exception("%s simulator failed on %s", self.kind, flow)
            with self.lock:
                self.errors.append(f"{flow}: {err!r}")

    def on_message(self, flow, payload):
        """React to one message from Odoo (runs in its own thread)."""

    def read_xml(self, flow, body):
        """The dict an XML message from Odoo stands for (systems that speak XML)."""
        raise ValueError(f"the {self.kind} simulator takes no XML")

    def serve_get(self, path, headers):
        """(status, body) of a GET this system serves (an API Odoo polls), or None."""
        return None

    def state(self):
        with self.lock:
            return {
                "system": self.kind,
                "received": len(self.received),
                "redelivered": self.redelivered,
                "rejected": len(self.rejected),
                "sent": len(self.sent),
                "errors": list(self.errors),
            }

    # -------------------------------------------------------------- outbound
    def send(self, flow, payload, webhook_id=None, attempts=20, document=None):
        """POST one signed webhook to Odoo. The same ``webhook_id`` is kept over
        retries (connection refused while Odoo restarts, 5xx), as Standard
        Webhooks senders do; Odoo answers a copy with the first message's id.
        ``document``: the XML the system sends instead of the JSON ``payload``
        (which stays what the simulator keeps of it)."""
        webhook_id = webhook_id or uuid.uuid4().hex
        body = document if document is not None else json.dumps(payload).encode()
        content_type = "application/xml" if document is not None else "application/json"
        url = f"{self.odoo_url}/mfg/v1/{self.connector_code}/{flow}"
        status, answer = None, None
        for attempt in range(attempts):
            headers = {"Content-Type": content_type}
            headers.update(signing.headers(self.inbound_secret, webhook_id, body))
            try:
                response = self.session.post(
                    url, data=body, headers=headers, timeout=(5, 30)
                )
                status = response.status_code
                try:
                    answer = response.json()
                except ValueError:
                    answer = response.text[:500]
                if status < 500:
                    break
            except requests.RequestException as err:
                status, answer = None, repr(err)
            time.sleep(min(0.5 * 2**attempt, 5))
        with self.lock:
            self.sent.append(
                {
                    "flow": flow,
                    "webhook_id": webhook_id,
                    "payload": payload,
                    "status": status,
                    "answer": answer,
                    "at": time.time(),
                }
            )
        if status not in (200, 202):
            _logger.warning(
                "%s: %s %s answered %s: %s", self.kind, flow, webhook_id, status, answer
            )
        return status, answer

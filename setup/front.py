#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The front address of several Odoo nodes on one machine (docs/DEPLOYMENT.md).

    python3 setup/front.py --listen 127.0.0.1:8069 \\
        --backend 127.0.0.1:8079 --backend 127.0.0.1:8089

A minimal least-connections reverse proxy with failover, for setup/nodes and the
two-node end-to-end test: the standard library only, so it runs wherever the
tests run. In production nginx (or HAProxy) does this job; docs/DEPLOYMENT.md
gives the equivalent nginx configuration, and this front follows nginx's rules:

- a request goes to the node with the fewest requests in flight, in turn
  among equals (nginx's ``least_conn``): a node whose workers all run long
  jobs gets no webhook to queue behind them while the other has free ones;
- a node that refuses the connection (down, restarting) is skipped for
  ``fail_timeout`` seconds and the request goes to the next node at once;
- a request whose node dies after it was sent is retried elsewhere only when its
  method is idempotent (GET, HEAD); a POST gets a 502, as with nginx's default
  ``proxy_next_upstream error timeout`` (no ``non_idempotent``): the sender
  retries with the same ``webhook-id`` and Odoo answers a copy with the first
  message's id, so nothing is applied twice;
- X-Forwarded-For/-Host/-Proto are set (the nodes run with ``proxy_mode``).

Bodies are read whole (webhooks and job requests are small); no websocket.
"""

import argparse
import http.client
import itertools
import logging
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_logger = logging.getLogger("front")

IDEMPOTENT = {"GET", "HEAD", "OPTIONS"}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}


def parse_address(text):
    host, _sep, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


class Backend:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.down_until = 0.0
        self.forwarded = 0  # requests answered by this node
        self.failures = 0  # connections refused or cut
        self.in_flight = 0  # requests sent, not answered yet

    @property
    def name(self):
        return f"{self.host}:{self.port}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # a client that hangs up (the job runner waits 1 s for its answer) is
        # not an error of the front
        if isinstance(sys.exc_info()[1], ConnectionError):
            _logger.debug("client %s hung up", client_address)
            return
        super().handle_error(request, client_address)


class Front:
    """The proxy: ``start()`` serves in a thread, ``stop()`` ends it."""

    def __init__(self, backends, host="127.0.0.1", port=0, timeout=60, fail_timeout=5):
        self.backends = [Backend(*b) for b in backends]
        self.timeout = timeout
        self.fail_timeout = fail_timeout
        self.lock = threading.Lock()
        self._turn = itertools.count()
        self.server = _Server((host, port), self._handler_class())
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = None

    def start(self):
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="front", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def add_backend(self, host, port):
        with self.lock:
            self.backends = [*self.backends, Backend(host, port)]

    def stats(self):
        with self.lock:
            return {
                b.name: {"forwarded": b.forwarded, "failures": b.failures}
                for b in self.backends
            }

    def _order(self):
        """The nodes to try: the fewest requests in flight first, in turn
        among equals; nodes marked down last (when all are down, they are
        tried anyway)."""
        backends = self.backends
        if not backends:
            return []
        start = next(self._turn) % len(backends)
        turn = backends[start:] + backends[:start]
        now = time.monotonic()
        up = sorted((b for b in turn if b.down_until <= now), key=lambda b: b.in_flight)
        return up + [b for b in turn if b.down_until > now]

    def _mark(self, backend, down):
        with self.lock:
            if down:
                backend.failures += 1
                backend.down_until = time.monotonic() + self.fail_timeout
            else:
                backend.forwarded += 1
                backend.down_until = 0.0

    def forward(self, method, path, headers, body):
        """(status, headers, body) from the first node that answers."""
        for backend in self._order():
            sent = False
            conn = http.client.HTTPConnection(
                backend.host, backend.port, timeout=self.timeout
            )
            try:
                try:
                    conn.connect()
                except OSError as err:  # refused, unreachable: never sent
                    _logger.info("node %s down (%s): next node", backend.name, err)
                    self._mark(backend, True)
                    continue
                with self.lock:
                    backend.in_flight += 1
                sent = True
                try:
                    conn.request(method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException) as err:
                    self._mark(backend, True)
                    if method in IDEMPOTENT:
                        _logger.info("node %s cut %s: next node", backend.name, path)
                        continue
                    _logger.warning("node %s cut %s (%s): 502", backend.name, path, err)
                    return (
                        502,
                        [("Content-Type", "application/json")],
                        (
                            b'{"error": "the node handling the request went away; '
                            b'send it again"}'
                        ),
                    )
                self._mark(backend, False)
                return response.status, response.getheaders(), data
            finally:
                conn.close()
                if sent:
                    with self.lock:
                        backend.in_flight -= 1
        return (
            503,
            [("Content-Type", "application/json")],
            (b'{"error": "no Odoo node answers"}'),
        )

    def _handler_class(self):
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive towards the clients

            def log_message(self, fmt, *args):
                _logger.debug(fmt, *args)

            def _proxy(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP
                }
                client = self.client_address[0]
                forwarded = self.headers.get("X-Forwarded-For")
                headers["X-Forwarded-For"] = (
                    f"{forwarded}, {client}" if forwarded else client
                )
                headers.setdefault("X-Forwarded-Host", self.headers.get("Host", ""))
                headers.setdefault("X-Forwarded-Proto", "http")
                status, answer_headers, data = front.forward(
                    self.command, self.path, headers, body
                )
                try:
                    self.send_response(status)
                    for key, value in answer_headers:
                        if key.lower() not in HOP_BY_HOP | {"content-length"}:
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except ConnectionError:  # the client hung up first: nobody to answer
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _proxy
            do_OPTIONS = _proxy

        return Handler


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:8069", help="host:port")
    parser.add_argument(
        "--backend", action="append", required=True, help="an Odoo node, host:port"
    )
    parser.add_argument("--fail-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[front] %(message)s")
    host, port = parse_address(args.listen)
    front = Front(
        [parse_address(b) for b in args.backend],
        host,
        port,
        fail_timeout=args.fail_timeout,
    )

    def terminate(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    _logger.info("front %s -> %s", front.url, ", ".join(args.backend))
    try:
        front.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        front.server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

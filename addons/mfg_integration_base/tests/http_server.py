# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real HTTP server on 127.0.0.1 standing in for an external system."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedSystem:
    """Answers each POST with the next scripted reply and records what came.

    A reply is ``(status, headers, body)`` or ``("sleep", seconds)``.
    """

    def __init__(self):
        self.replies = []
        self.received = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                system.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                reply = (
                    system.replies.pop(0) if system.replies else (200, {}, {"ok": True})
                )
                if reply[0] == "sleep":
                    time.sleep(reply[1])
                    reply = (200, {}, {"ok": True})
                status, headers, payload = reply
                data = json.dumps(payload).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

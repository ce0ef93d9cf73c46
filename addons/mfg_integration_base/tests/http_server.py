# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real HTTP server on 127.0.0.1 standing in for an external system."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LocalJsonServer:
    """A threaded HTTP server on a free 127.0.0.1 port answering JSON, used as a
    context manager. Subclasses answer each request in ``handle(request)`` (a
    ``BaseHTTPRequestHandler``) with ``self.reply(request, status, headers, body)``."""

    def __init__(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                owner.handle(self)

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

    def handle(self, request):
        raise NotImplementedError

    @staticmethod
    def reply(request, status, headers, payload):
        data = json.dumps(payload).encode()
        request.send_response(status)
        for name, value in headers.items():
            request.send_header(name, value)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


class ScriptedSystem(LocalJsonServer):
    """Answers each POST with the next scripted reply and records what came.

    A reply is ``(status, headers, body)`` or ``("sleep", seconds)``.
    """

    def __init__(self):
        super().__init__()
        self.replies = []
        self.received = []

    def handle(self, request):
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length)
        self.received.append(
            {"path": request.path, "headers": dict(request.headers), "body": body}
        )
        reply = self.replies.pop(0) if self.replies else (200, {}, {"ok": True})
        if reply[0] == "sleep":
            time.sleep(reply[1])
            # the engine may have stopped waiting (its read timeout): as scripted
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.reply(request, 200, {}, {"ok": True})
            return
        self.reply(request, *reply)

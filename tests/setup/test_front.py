# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""setup/front.py, the nodes' front address, against real local HTTP servers:
turns, failover of a refused node, nginx's rule for a request cut mid-way."""

import importlib.util
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def front_module():
    spec = importlib.util.spec_from_file_location("front", ROOT / "setup" / "front.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Node:
    """A node that answers its name, or cuts the connection (``cut = True``)."""

    def __init__(self, name):
        node = self
        self.name, self.cut, self.seen = name, False, []
        self.hold = None  # an Event: answer its requests once it is set

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                node.seen.append(
                    (self.command, body, self.headers.get("X-Forwarded-For"))
                )
                if node.hold is not None:  # a long job request
                    node.hold.wait(10)
                if node.cut:  # a node killed while it handles the request
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                data = json.dumps({"node": node.name}).encode()
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def nodes():
    made = [Node("a"), Node("b")]
    yield made
    for node in made:
        node.stop()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _front(front_module, ports):
    return front_module.Front([("127.0.0.1", p) for p in ports]).start()


def test_requests_go_to_the_nodes_in_turn_with_the_client_address(front_module, nodes):
    front = _front(front_module, [n.port for n in nodes])
    try:
        answers = [
            requests.post(f"{front.url}/mfg/v1/x/y", data=b"{}", timeout=10)
            for _ in range(4)
        ]
    finally:
        front.stop()
    assert [a.status_code for a in answers] == [202] * 4
    assert sorted(a.json()["node"] for a in answers) == ["a", "a", "b", "b"]
    assert nodes[0].seen[0] == ("POST", b"{}", "127.0.0.1")


def test_a_node_busy_with_a_long_request_gets_no_new_one(front_module, nodes):
    # A job request holds one of node a's workers for its whole run: the
    # webhooks meanwhile go to node b (nginx's least_conn), instead of every
    # other one queueing on a behind the job.
    front = _front(front_module, [n.port for n in nodes])
    nodes[0].hold = threading.Event()
    try:
        first = []
        job = threading.Thread(
            target=lambda: first.append(
                requests.post(f"{front.url}/queue_job/runjob", data=b"", timeout=10)
            )
        )
        job.start()
        for _ in range(50):  # until the job request reached node a
            if nodes[0].seen:
                break
            threading.Event().wait(0.05)
        answers = [
            requests.post(f"{front.url}/mfg/v1/x/y", data=b"{}", timeout=10)
            for _ in range(4)
        ]
        nodes[0].hold.set()
        job.join(10)
    finally:
        front.stop()
    assert [a.json()["node"] for a in answers] == ["b"] * 4
    assert first[0].json()["node"] == "a"


def test_a_refused_node_is_skipped_at_once(front_module, nodes):
    front = _front(front_module, [_free_port(), nodes[1].port])
    try:
        answers = [
            requests.post(f"{front.url}/x", data=b"{}", timeout=10) for _ in range(3)
        ]
        stats = front.stats()
    finally:
        front.stop()
    assert [a.json()["node"] for a in answers] == ["b", "b", "b"]
    dead = next(name for name in stats if not name.endswith(f":{nodes[1].port}"))
    assert stats[dead] == {"forwarded": 0, "failures": 1}  # then marked down


def test_a_post_cut_by_a_dying_node_answers_502_and_is_not_sent_again(
    front_module, nodes
):
    nodes[0].cut = nodes[1].cut = True
    front = _front(front_module, [n.port for n in nodes])
    try:
        answer = requests.post(f"{front.url}/mfg/v1/x/y", data=b"{}", timeout=10)
    finally:
        front.stop()
    assert answer.status_code == 502
    assert "send it again" in answer.json()["error"]
    # sent to one node only: the sender retries, with the same webhook-id
    assert len(nodes[0].seen) + len(nodes[1].seen) == 1


def test_a_get_cut_by_a_dying_node_goes_to_the_next_one(front_module, nodes):
    nodes[0].cut = True
    front = _front(front_module, [n.port for n in nodes])
    try:
        answers = [
            requests.get(f"{front.url}/web/health", timeout=10) for _ in range(2)
        ]
    finally:
        front.stop()
    assert [a.json()["node"] for a in answers] == ["b", "b"]


def test_no_node_answers_503(front_module):
    front = _front(front_module, [_free_port()])
    try:
        answer = requests.get(f"{front.url}/web/health", timeout=10)
    finally:
        front.stop()
    assert answer.status_code == 503

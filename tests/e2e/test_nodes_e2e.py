# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two Odoo nodes on one database behind one front address (docs/DEPLOYMENT.md):
the node whose runner dispatches the jobs is killed (SIGKILL) in the middle of a
burst of signed MES events; the other node takes over. Every event answered 2xx
is applied exactly once: the jobs the dead node left ``started`` are requeued
and done, the stock per location is what the events say, nothing twice."""

import signal
import threading
import time
from collections import Counter
from datetime import datetime

import psycopg2
import pytest
from e2e_plant_state import assert_every_message_accounted_for, plant_messages

from simulators import scenario

pytestmark = pytest.mark.e2e

MOS = 10  # the scenario's seal stock (50) allows 25 MOs of 2 pumps
# the engine orders each MO's events itself: the MES flows' channel runs three
# drains at once, on either node (one of the four HTTP workers stays for webhooks)
CHANNELS = "root:3,root.mfg:3,root.mfg.ordered:3"


def _jobs(node, sql, args=()):
    conn = psycopg2.connect(dbname=node.db, **node.pg)
    try:
        with conn, conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall()
    finally:
        conn.close()


def _started_on(node, pids):
    """Jobs ``started`` by a worker of ``node`` (queue_job's worker_pid)."""
    return _jobs(
        node,
        "SELECT uuid FROM queue_job WHERE state = 'started' AND worker_pid = ANY(%s)",
        [pids],
    )


def _wait_jobs_done(node, timeout=150):
    """Until every job is done. The runner requeues a dead node's ``started``
    jobs only when its loop wakes (a notification, or queue_job's 60 s select
    timeout) and only once they are 10 s old: after the burst that may be a
    minute away."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not _jobs(node, "SELECT 1 FROM queue_job WHERE state <> 'done'"):
            return
        time.sleep(1)
    raise AssertionError(
        "jobs not done: %s"
        % _jobs(node, "SELECT uuid, state FROM queue_job WHERE state <> 'done'")
    )


def _internal_stock(plant):
    quants = plant.rpc.search_read(
        "stock.quant",
        [
            ("product_id.default_code", "in", list(scenario.PRODUCTS)),
            ("location_id.usage", "=", "internal"),
        ],
        ["product_id", "lot_id", "location_id", "quantity"],
    )
    stock = Counter()
    for quant in quants:
        code = quant["product_id"][1].split("]")[0].strip("[")
        lot = quant["lot_id"] and quant["lot_id"][1] or ""
        stock[(code, lot, quant["location_id"][1])] += quant["quantity"]
    return stock


def _expected_stock(before, events):
    """``before`` moved by each event once: components consumed and scrapped
    from WH/Stock, the finished lot into it (the QMS passes every lot)."""
    stock = Counter(before)
    for flow, payload in events:
        if flow == "mes.material.consumed":
            key = (payload["product"], payload.get("lot") or "", "WH/Stock")
            stock[key] -= payload["quantity"]
        elif flow == "mes.scrap.reported":
            stock[(payload["product"], "", "WH/Stock")] -= payload["quantity"]
        elif flow == "mes.production.completed":
            key = (scenario.FINISHED, payload["lot"], "WH/Stock")
            stock[key] += payload["quantity"]
    return stock


def _rounded(stock):
    return {k: round(v, 3) for k, v in stock.items() if round(v, 3)}


def _minutes(start, end):
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    return (datetime.strptime(end, fmt) - datetime.strptime(start, fmt)).seconds / 60


def test_a_node_killed_mid_burst_loses_nothing_and_applies_nothing_twice(
    start_nodes,
):
    (first, second), front, plant = start_nodes("nodes", channels=CHANNELS)
    rpc = plant.rpc
    names = [plant.create_order(hours_ahead=24 * (2 + i)) for i in range(MOS)]
    plant.orders = {f"mo{i}": name for i, name in enumerate(names)}
    for name in names:
        plant.mes.wait_order(name)
    before = _internal_stock(plant)

    # the burst: every MO's events at once, shuffled, three of each sent twice
    burst = [  # daemons: a failed assertion must not leave them sending
        threading.Thread(
            target=plant.mes.run, args=(name, "full"), kwargs={"seed": i}, daemon=True
        )
        for i, name in enumerate(names)
    ]
    for thread in burst:
        thread.start()
    # kill the dispatching node while one of its workers runs a job, once a
    # quarter of the events at least are in: the node is frozen (SIGSTOP) to
    # see what it is running, killed (SIGKILL) if a job is, else thawed
    left_started = []
    deadline = time.time() + 240
    while time.time() < deadline and any(t.is_alive() for t in burst):
        if len(plant.mes.sent) >= MOS * 3:
            pids = first.pids()
            first.send_signal(signal.SIGSTOP)
            left_started = [uuid for (uuid,) in _started_on(first, pids)]
            if left_started:
                first.kill()  # SIGKILL of the node's process group
                break
            first.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    assert first.process.poll() is not None, "the burst ended before the kill"
    assert left_started, "no job of the killed node was left started"
    killed_at = time.time()
    for thread in burst:
        thread.join(300)
    plant.wait_settled(timeout=300)
    _wait_jobs_done(second)
    plant.wait_settled(timeout=60)  # what a requeued job applied, if anything

    # the other node took the runner's lock and requeued the dead node's jobs
    assert "queue job runner ready" in second.log.read_text(errors="replace")
    jobs = dict(
        _jobs(
            second,
            "SELECT uuid, state || ':' || COALESCE(retry, 0) FROM queue_job "
            "WHERE uuid = ANY(%s)",
            [left_started],
        )
    )
    assert all(
        state.startswith("done:") and int(state.split(":")[1]) >= 1
        for state in jobs.values()
    ), jobs
    # the front sent the work to the other node once the first one was gone
    stats = front.stats()
    assert stats[f"127.0.0.1:{second.port}"]["forwarded"] > 0, stats
    assert stats[f"127.0.0.1:{first.port}"]["failures"] > 0, stats

    # every accepted event is one message, done; no (MO, sequence) done twice
    assert_every_message_accounted_for(plant)
    sent_ids = {s["webhook_id"] for s in plant.mes.sent}
    mes = [
        m
        for m in plant_messages(plant)
        if m["idempotency_key"] in sent_ids and m["state"] != "duplicate"
    ]
    assert {m["state"] for m in mes} == {"done"}
    applied = Counter((m["ordering_key"], m["sequence"]) for m in mes)
    assert len(applied) == len(sent_ids) and set(applied.values()) == {1}

    # applied exactly once: stock per location, MOs and work orders as sent
    events = {s["webhook_id"]: (s["flow"], s["payload"]) for s in plant.mes.sent}
    assert _rounded(_internal_stock(plant)) == _rounded(
        _expected_stock(before, events.values())
    )
    productions = rpc.search_read(
        "mrp.production",
        [("name", "in", names)],
        ["name", "state", "qty_produced", "lot_producing_id"],
    )
    assert sorted(
        (p["name"], p["state"], p["qty_produced"], p["lot_producing_id"][1])
        for p in productions
    ) == sorted((name, "done", 2.0, scenario.finished_lot(name)) for name in names)
    times = {}
    for flow, payload in events.values():
        if flow == "mes.operation.event":
            key = (payload["ordering_key"], payload["workorder"]["operation"])
            times.setdefault(key, {})[payload["event"]] = payload["timestamp"]
    workorders = rpc.search_read(
        "mrp.workorder",
        [("production_id.name", "in", names)],
        ["production_id", "name", "state", "duration"],
    )
    assert {
        (wo["production_id"][1], wo["name"]): (wo["state"], round(wo["duration"], 2))
        for wo in workorders
    } == {
        key: ("done", round(_minutes(t["started"], t["finished"]), 2))
        for key, t in times.items()
    }
    assert not second.errors(), "\n".join(second.errors())
    print(
        f"killed with {len(left_started)} job(s) started; settled "
        f"{time.time() - killed_at:.0f}s after the kill; front {stats}"
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""MES simulator: receives released MOs and reports their shop-floor events,
shuffled and partly duplicated, each MO's events with its ordering key and
sequence numbers. It speaks B2MML (ISA-95): Odoo's OperationsSchedule in, one
ProcessOperationsPerformance document per event out (``b2mml=False``: JSON)."""

import time
from datetime import UTC, datetime, timedelta

from . import formats, scenario
from .base import Simulator


class MesSimulator(Simulator):
    kind = "mes"

    def __init__(self, *args, auto_run=False, pause=0.05, b2mml=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.b2mml = b2mml
        self.orders = {}  # MO name -> the mes.order.released payload
        self.auto_run = auto_run  # run every released MO at once (the trickle)
        self.pause = pause
        self.runs = {}  # MO name -> plan run

    def read_xml(self, flow, body):
        return formats.read_operations_schedule(body)

    def on_message(self, flow, payload):
        if flow != "mes.order.released":
            return
        with self.lock:
            self.orders[payload["production_order"]] = payload
        if self.auto_run:
            self.run(payload["production_order"], "full", seed=None)

    def wait_order(self, mo_name, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if mo_name in self.orders:
                    return self.orders[mo_name]
            time.sleep(0.3)
        raise TimeoutError(f"the MES never received MO {mo_name}")

    def events_for(self, mo_name, plan, start=None, seed=7):
        order = self.orders[mo_name]
        start = start or datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
        if plan == "full":
            events = scenario.shop_floor_events(order, start)
        elif plan == "bad_lot":
            events = scenario.bad_lot_events(order, start)
        else:
            raise ValueError(f"unknown MES plan {plan!r}")
        deliveries = scenario.with_webhook_ids(events, seed=None)
        if seed is None:
            return deliveries
        return scenario.shuffled_with_duplicates(deliveries, seed=seed)

    def run(self, mo_name, plan, start=None, seed=7):
        """Send the events of one MO (shuffled, some twice, unless seed=None)."""
        with self.lock:
            self.runs[mo_name] = plan
        results = []
        for webhook_id, flow, payload in self.events_for(mo_name, plan, start, seed):
            document = formats.b2mml_event(flow, payload) if self.b2mml else None
            results.append(
                self.send(flow, payload, webhook_id=webhook_id, document=document)
            )
            time.sleep(self.pause)
        return results

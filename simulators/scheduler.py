# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Scheduler (APS) simulator: plans each snapshot Odoo sends forward on the
work centers' calendars and publishes the schedule back."""

import time

from . import planner
from .base import Simulator


class SchedulerSimulator(Simulator):
    kind = "scheduler"

    def __init__(self, *args, schedule_id="PLANT-WEEK", delay=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedule_id = schedule_id
        self.version = 0
        self.delay = delay
        self.published = []  # schedule payloads sent

    def on_message(self, flow, payload):
        if flow != "scheduler.snapshot":
            return
        # a planning run takes a moment; it also puts generated_at after the
        # snapshot's own writes in Odoo
        time.sleep(self.delay)
        with self.lock:
            self.version += 1
            schedule = planner.schedule_payload(payload, self.schedule_id, self.version)
            self.published.append(schedule)
        self.send("scheduler.schedule.published", schedule)

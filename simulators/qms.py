# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quality / maintenance system simulator: inspects what Odoo asks it to,
fails the lots of chosen MOs (quarantine, nonconformance, a maintenance alert on
the press that caused it), then releases them by a disposition."""

import time

from . import scenario
from .base import Simulator


class QmsSimulator(Simulator):
    kind = "quality"

    def __init__(self, *args, disposition_delay=2.0, fail_every=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_origins = set()  # MO names whose lots fail inspection
        self.fail_every = fail_every  # also fail every n-th request (trickle)
        self.disposition_delay = disposition_delay
        self.inspections = 0
        self.dispositioned = set()

    def on_message(self, flow, payload):
        if flow == "quality.inspection.requested":
            self._inspect(payload)
        elif flow == "quality.nonconformance.changed":
            self._decide(payload)

    def _inspect(self, request):
        with self.lock:
            self.inspections += 1
            number = self.inspections
            fail = request["origin"]["reference"] in self.fail_origins or (
                self.fail_every and number % self.fail_every == 0
            )
        inspection_id = f"INSP-{request['request_id']}"
        verdict = "fail" if fail else "pass"
        self.send(
            "quality.inspection.result",
            scenario.inspection_result(
                request, verdict, inspection_id, scenario.EQUIPMENT[1] if fail else None
            ),
            webhook_id=f"result-{inspection_id}",
        )
        if fail:
            self.send(
                "maintenance.alert",
                scenario.maintenance_alert(f"ALERT-{inspection_id}"),
                webhook_id=f"alert-{inspection_id}",
            )

    def _decide(self, nc):
        """An open nonconformance is released by the review board after a while."""
        name = nc["nonconformance"]
        rest = nc["quantity"] - nc["quantity_dispositioned"]
        if nc["state"] not in ("open", "contained") or rest <= 0:
            return
        with self.lock:
            if name in self.dispositioned:
                return
            self.dispositioned.add(name)
        time.sleep(self.disposition_delay)
        self.send(
            "quality.disposition.decided",
            scenario.disposition(name, rest),
            webhook_id=f"disposition-{name}",
        )

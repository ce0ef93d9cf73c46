# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Quality / maintenance system simulator: inspects what Odoo asks it to,
fails the lots of chosen MOs (quarantine, nonconformance, a maintenance alert on
the press that caused it), then releases them by a disposition. Its first
passing result goes out as a QIF 3.0 results document (``qif_once=False``: all
JSON), the way a CMM's software reports."""

import time

from . import formats, scenario
from .base import Simulator


class QmsSimulator(Simulator):
    kind = "quality"

    def __init__(
        self, *args, disposition_delay=2.0, fail_every=0, qif_once=True, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.qif_pending = qif_once  # the next passing result is sent as QIF
        self.qif_sent = []  # inspection ids sent as QIF
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
        result = scenario.inspection_result(
            request, verdict, inspection_id, scenario.EQUIPMENT[1] if fail else None
        )
        document = None
        with self.lock:
            as_qif, self.qif_pending = (
                (True, False)
                if self.qif_pending and not fail
                else (False, self.qif_pending)
            )
        if as_qif:
            # QIF names results by UUID and carries numeric characteristics
            result["inspection_id"] = formats.qif_inspection_id(inspection_id)
            result.pop("quantity", None)
            result["characteristics"] = [
                c for c in result["characteristics"] if not isinstance(c["value"], str)
            ]
            document = formats.qif_result(result)
            with self.lock:
                self.qif_sent.append(result["inspection_id"])
        self.send(
            "quality.inspection.result",
            result,
            webhook_id=f"result-{inspection_id}",
            document=document,
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

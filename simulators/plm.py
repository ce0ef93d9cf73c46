# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PLM simulator: releases items and BOM revisions with their engineering change.

Items are served as OData Part entities (``GET /odata/Parts``, the engine's
``$filter`` on ModifiedOn and ID) that Odoo polls; the engineering change and its
BOM revision are pushed as signed webhooks."""

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from . import formats, scenario, signing
from .base import Simulator

PARTS_PATH = "/odata/Parts"


class PlmSimulator(Simulator):
    kind = "plm"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = []  # OData Part entities Odoo may pull
        self.pulls = 0  # GETs of the parts collection

    def release_engineering_change(self):
        """ECO-PLANT-7 and the BOM revision B it brings."""
        self.send("plm.change.released", scenario.change_release())
        return self.send("plm.bom.released", scenario.bom_release_rev_b())

    def release_item(self, part_number="PLANT-VALVE", revision="A", name=None):
        """Publish the item revision on the OData service, for Odoo to pull."""
        payload = scenario.item_release(part_number, revision, name or "Relief valve")
        modified = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self.lock:
            entity = formats.odata_part(
                payload, f"OR:wt.part.WTPart:{len(self.parts) + 1}", modified
            )
            self.parts.append(entity)
        return entity

    def serve_get(self, path, headers):
        split = urlsplit(path)
        if split.path.rstrip("/") != PARTS_PATH:
            return None
        try:
            # Odoo signs its GETs as its webhooks (an empty body)
            signing.verify(self.outbound_secret or "", headers, b"")
        except signing.SignatureError as err:
            return 401, {"error": str(err)}
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        with self.lock:
            self.pulls += 1
            parts = list(self.parts)
        try:
            return 200, formats.odata_page(parts, query.get("$filter"))
        except ValueError as err:
            return 400, {"error": str(err)}

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The standards the simulated plant speaks (issue 17): the MES exchanges B2MML
(ISA-95) documents, the QMS sends a QIF 3.0 results document, the PLM serves its
parts as OData entities that Odoo polls.

The documents are written with the suite's own pure-python renderers (the
addons' ``core/`` packages, loaded by path like the unit tests do, without Odoo),
so the simulators send exactly what a system speaking these standards would; the
MES reads Odoo's OperationsSchedule with its own small reader below."""

import importlib.util
import re
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

ADDONS = Path(__file__).resolve().parent.parent / "addons"
B2MML_NS = "http://www.mesa.org/xml/B2MML"


def _core(addon):
    """``addons/<addon>/core`` as the package ``sim_<addon>_core``."""
    name = f"sim_{addon}_core"
    if name in sys.modules:
        return sys.modules[name]
    core_dir = ADDONS / addon / "core"
    spec = importlib.util.spec_from_file_location(
        name, core_dir / "__init__.py", submodule_search_locations=[str(core_dir)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _submodule(addon, name):
    _core(addon)
    return importlib.import_module(f"sim_{addon}_core.{name}")


def _now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------- MES
def b2mml_event(flow, payload, sender="PLANT-MES"):
    """One canonical MES event as a ProcessOperationsPerformance document."""
    performance = _submodule("mes_connector", "b2mml_performance")
    root = performance.render_event(
        flow, payload, {"created_at": _now(), "sender": sender}
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _q(name):
    return f"{{{B2MML_NS}}}{name}"


def _minutes(duration):
    """xsd:duration PT30M / PT1H5M / PT30M30S -> minutes."""
    match = re.fullmatch(
        r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", duration or ""
    )
    if not match:
        return None
    hours, minutes, seconds = (float(part or 0) for part in match.groups())
    return hours * 60 + minutes + seconds / 60


def read_operations_schedule(body):
    """Odoo's Process/Change/CancelOperationsSchedule -> what the MES needs of the
    order: {production_order, quantity, work_orders, components} (the shape of
    the canonical mes.order.released), or None for another document."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(body, parser=parser)
    if etree.QName(root).localname != "ProcessOperationsSchedule":
        return {"document": etree.QName(root).localname}
    request = root.find(
        f"{_q('DataArea')}/{_q('OperationsSchedule')}/{_q('OperationsRequest')}"
    )
    order = {
        "production_order": request.findtext(_q("ID")),
        "work_orders": [],
        "components": [],
        "quantity": 0.0,
    }
    components = {}
    for segment in request.iterfind(_q("SegmentRequirement")):
        ident = segment.findtext(_q("ID"))
        sequence = int(ident) if ident.isdigit() else None
        if sequence is not None:
            order["work_orders"].append(
                {
                    "sequence": sequence,
                    "operation": segment.findtext(_q("ProcessSegmentID")),
                    "workcenter": segment.findtext(
                        f"{_q('EquipmentRequirement')}/{_q('EquipmentID')}"
                    ),
                    "expected_duration_minutes": _minutes(
                        segment.findtext(_q("Duration"))
                    ),
                }
            )
        for material in segment.iterfind(_q("MaterialRequirement")):
            code = material.findtext(_q("MaterialDefinitionID"))
            quantity = float(
                material.findtext(f"{_q('Quantity')}/{_q('QuantityString')}") or 0
            )
            lot = material.findtext(_q("MaterialLotID"))
            if material.findtext(_q("MaterialUse")) == "Produced":
                order["quantity"] = quantity
                continue
            component = components.setdefault(
                (code, sequence),
                {
                    "product": {"code": code},
                    "quantity": 0.0,
                    "operation_sequence": sequence,
                    "reserved_lots": [],
                },
            )
            component["quantity"] += quantity
            if lot:
                component["reserved_lots"].append({"lot": lot, "quantity": quantity})
    order["components"] = list(components.values())
    return order


# ---------------------------------------------------------------------- QMS
def qif_inspection_id(inspection_id):
    """QIF identifies results by a UUID (QPId): a stable one per inspection."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mfg-plant:{inspection_id}"))


def qif_result(payload):
    """A canonical inspection result as a QIF 3.0 results document (QIF carries
    no quantity, severity, note or cause: the QMS sends those in JSON)."""
    qif = _submodule("quality_bridge", "qif")
    root = qif.render_results(payload, {"document_id": str(uuid.uuid4())})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------- PLM
def odata_part(item, ident, modified_on):
    """A canonical item release as the PLM's OData Part entity."""
    return {
        "@odata.etag": f'W/"{modified_on}"',
        "ID": ident,
        "Number": item["part_number"],
        "Revision": item["revision"],
        "Name": item["name"],
        "DefaultUnit": item.get("unit"),
        "State": (item.get("lifecycle_state") or "released").upper(),
        "ModifiedOn": modified_on,
    }


ODATA_FILTER_RE = re.compile(
    r"^(\w+) gt (\S+) or \((\w+) eq (\S+) and (\w+) gt '((?:[^']|'')*)'\)$"
)


def odata_page(entities, odata_filter=None):
    """The OData collection after the engine's cursor filter (one page)."""
    rows = sorted(entities, key=lambda e: (e["ModifiedOn"], e["ID"]))
    if odata_filter:
        match = ODATA_FILTER_RE.match(odata_filter)
        if not match:
            raise ValueError(f"unsupported $filter {odata_filter!r}")
        after = (match.group(2), match.group(6).replace("''", "'"))
        rows = [r for r in rows if (r["ModifiedOn"], r["ID"]) > after]
    return {"@odata.context": "$metadata#Parts", "value": rows}

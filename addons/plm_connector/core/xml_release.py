# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Parser of the suite's simple PLM XML export format (pure python).

The format is documented in ``readme/USAGE.md`` and a sample ships in
``core/samples/``. The parser never expands entities, never loads a DTD,
never touches the network, refuses huge trees and rejects any document that
carries a DOCTYPE at all (which is where entity bombs and external entities
live). It returns the same canonical dict as the JSON payload of the flow, so
the engine validates both against the same JSON Schema.
"""

import re

from lxml import etree

MAX_XML_BYTES = 20 * 1024 * 1024
ROOT_TAG = "PlmRelease"
RELEASE_TAGS = {
    "ItemRelease": "plm.item.released",
    "BomRelease": "plm.bom.released",
    "ChangeRelease": "plm.change.released",
}
_DOCTYPE_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class PlmXmlError(ValueError):
    """The document is not an acceptable PLM XML release."""


def _safe_parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_document(data):
    """Parse bytes into the root element, refusing DTDs and entities."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise PlmXmlError("Empty XML document")
    if len(data) > MAX_XML_BYTES:
        raise PlmXmlError(f"XML document larger than {MAX_XML_BYTES} bytes")
    # Also catch UTF-16 documents, whose markup has NUL bytes in between.
    if _DOCTYPE_RE.search(data) or _DOCTYPE_RE.search(data.replace(b"\x00", b"")):
        raise PlmXmlError("DOCTYPE and ENTITY declarations are not allowed in PLM XML")
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as err:
        raise PlmXmlError(f"Malformed XML: {err}") from err
    docinfo = root.getroottree().docinfo
    if (
        docinfo.doctype
        or docinfo.internalDTD is not None
        or docinfo.externalDTD is not None
    ):
        raise PlmXmlError("DOCTYPE and ENTITY declarations are not allowed in PLM XML")
    return root


def _text(element, tag):
    child = element.find(tag)
    if child is None or child.text is None:
        return None
    return child.text.strip()


def _float(element, attr, required=False):
    value = element.get(attr)
    if value is None or value.strip() == "":
        if required:
            raise PlmXmlError(
                f"<{element.tag}> line {element.sourceline}: "
                f"attribute {attr} is required"
            )
        return None
    try:
        return float(value)
    except ValueError as err:
        raise PlmXmlError(
            f"<{element.tag}> line {element.sourceline}: "
            f"{attr}={value!r} is not a number"
        ) from err


def _int(element, attr):
    value = _float(element, attr)
    if value is None:
        return None
    if value != int(value):
        raise PlmXmlError(
            f"<{element.tag}> line {element.sourceline}: {attr} must be an integer"
        )
    return int(value)


def _required(element, attr):
    value = element.get(attr)
    if value is None or not value.strip():
        raise PlmXmlError(
            f"<{element.tag}> line {element.sourceline}: attribute {attr} is required"
        )
    return value.strip()


def _put(target, key, value):
    if value is not None and value != "":
        target[key] = value


def _item(element):
    item = {"part_number": _required(element, "partNumber")}
    _put(item, "revision", element.get("revision"))
    _put(item, "name", _text(element, "Name"))
    _put(item, "description", _text(element, "Description"))
    _put(item, "unit", element.get("unit"))
    _put(item, "product_type", element.get("productType"))
    _put(item, "lifecycle_state", element.get("lifecycleState"))
    _put(item, "effectivity_date", element.get("effectivityDate"))
    _put(item, "change_number", element.get("changeNumber"))
    weight = element.find("Weight")
    if weight is not None and weight.text:
        try:
            item["weight"] = float(weight.text)
        except ValueError as err:
            raise PlmXmlError(
                f"<Weight> line {weight.sourceline}: not a number"
            ) from err
    manufacturers = [
        {"name": _required(m, "name"), "part_number": _required(m, "partNumber")}
        for m in element.findall("Manufacturer")
    ]
    if manufacturers:
        item["manufacturers"] = manufacturers
    attributes = [
        {"name": _required(a, "name"), "value": a.get("value", "")}
        for a in element.findall("Attribute")
    ]
    if attributes:
        item["attributes"] = attributes
    return item


def _operations(element):
    operations = []
    for op in element.findall("Operation"):
        operation = {
            "ref": _required(op, "ref"),
            "sequence": _int(op, "sequence") if op.get("sequence") else 0,
            "workcenter_code": _required(op, "workCenter"),
            "name": _required(op, "name"),
            "setup_time": _float(op, "setupTime") or 0.0,
            "run_time": _float(op, "runTime") or 0.0,
        }
        instructions = (op.text or "").strip()
        if instructions:
            operation["instructions"] = instructions
        operations.append(operation)
    return operations


def _lines(element):
    lines = []
    for ln in element.findall("Line"):
        line = {
            "component": _required(ln, "component"),
            "quantity": _float(ln, "quantity", True),
        }
        _put(line, "unit", ln.get("unit"))
        _put(line, "find_number", ln.get("findNumber"))
        _put(line, "operation_ref", ln.get("operationRef"))
        lines.append(line)
    return lines


def _bom(element):
    bom = {
        "part_number": _required(element, "partNumber"),
        "revision": _required(element, "revision"),
    }
    _put(bom, "change_number", element.get("changeNumber"))
    _put(bom, "effectivity_date", element.get("effectivityDate"))
    _put(bom, "supersedes_revision", element.get("supersedesRevision"))
    bom["lines"] = _lines(element)
    bom["operations"] = _operations(element)
    subassemblies = []
    for sub in element.findall("SubAssembly"):
        entry = {
            "part_number": _required(sub, "partNumber"),
            "lines": _lines(sub),
            "operations": _operations(sub),
        }
        _put(entry, "revision", sub.get("revision"))
        _put(entry, "supersedes_revision", sub.get("supersedesRevision"))
        subassemblies.append(entry)
    if subassemblies:
        bom["subassemblies"] = subassemblies
    items = [_item(item) for item in element.findall("Item")]
    if items:
        bom["items"] = items
    return bom


def _change(element):
    change = {"change_number": _required(element, "number")}
    _put(change, "revision", element.get("revision"))
    _put(change, "title", _text(element, "Title"))
    _put(change, "reason", _text(element, "Reason"))
    _put(change, "priority", element.get("priority"))
    _put(change, "effectivity_date", element.get("effectivityDate"))
    change["affected_items"] = [
        {
            "part_number": _required(a, "partNumber"),
            "from_revision": a.get("fromRevision") or "",
            "to_revision": _required(a, "toRevision"),
        }
        for a in element.findall("AffectedItem")
    ]
    disposition = element.find("Disposition")
    if disposition is not None:
        change["disposition"] = {
            key: value
            for key, value in (
                ("wip", disposition.get("wip")),
                ("stock", disposition.get("stock")),
            )
            if value
        }
    return change


_BUILDERS = {
    "ItemRelease": _item,
    "BomRelease": _bom,
    "ChangeRelease": _change,
}


def parse_release(data):
    """Parse a PLM XML document: returns ``(flow_code, canonical payload)``."""
    root = parse_document(data)
    if root.tag != ROOT_TAG:
        raise PlmXmlError(f"Root element must be <{ROOT_TAG}>, got <{root.tag}>")
    releases = [child for child in root if isinstance(child.tag, str)]
    if len(releases) != 1 or releases[0].tag not in _BUILDERS:
        raise PlmXmlError(
            f"<{ROOT_TAG}> must hold exactly one of "
            + ", ".join(f"<{t}>" for t in _BUILDERS)
        )
    element = releases[0]
    payload = _BUILDERS[element.tag](element)
    payload["schema_version"] = root.get("schemaVersion") or "1.0"
    return RELEASE_TAGS[element.tag], payload


def _parser_for(flow_code):
    def parse(data):
        code, payload = parse_release(data)
        if code != flow_code:
            raise PlmXmlError(f"This document is a {code} release, not {flow_code}")
        return payload

    parse.__name__ = "parse_" + flow_code.replace(".", "_")
    return parse


parse_item_release = _parser_for("plm.item.released")
parse_bom_release = _parser_for("plm.bom.released")
parse_change_release = _parser_for("plm.change.released")

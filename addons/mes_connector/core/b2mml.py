# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""B2MML (ISA-95, MESA International's V0700 schemas): what the schedule renderer
and the performance parser share. The mapping is this suite's own, written from
the element definitions of the V0700 schemas; readme/USAGE.md lists the elements
read and written. "The Business To Manufacturing Markup Language (B2MML) is used
courtesy of MESA International." The suite ships none of MESA's files: a user who
wants the official XSD validation points the connector at a folder holding them.
"""

import math

from lxml import etree

NS = "http://www.mesa.org/xml/B2MML"
#: releaseID attribute of the verb documents (ISA-95 Part 5 transactions)
RELEASE_ID = "V0700"
SCHEDULE_XSD = "B2MML-OperationsSchedule.xsd"
PERFORMANCE_XSD = "B2MML-OperationsPerformance.xsd"


class B2mmlError(ValueError):
    """The document cannot be mapped onto the flow's canonical event."""


def qname(name):
    return f"{{{NS}}}{name}"


def sub(parent, name, text=None, **attrs):
    """Append ``<name>`` to ``parent`` (text and attributes optional)."""
    element = etree.SubElement(parent, qname(name), **attrs)
    if text is not None:
        element.text = str(text)
    return element


def quantity(parent, value, uom=None, name="Quantity"):
    """A QuantityValueType: QuantityString, DataType, UnitOfMeasure (in order)."""
    element = sub(parent, name)
    sub(element, "QuantityString", format_number(value))
    sub(element, "DataType", "decimal")
    if uom:
        sub(element, "UnitOfMeasure", uom)
    return element


def format_number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def parse_number(text, where):
    try:
        value = float(text)
    except (TypeError, ValueError) as err:
        raise B2mmlError(f"{where}: '{text}' is not a number.") from err
    if not math.isfinite(value):
        raise B2mmlError(f"{where}: '{text}' is not a finite number.")
    return value


def application_area(parent, envelope):
    """ApplicationArea of a verb document: sender, receiver, time, BOD id."""
    area = sub(parent, "ApplicationArea")
    sender = sub(area, "Sender")
    sub(sender, "LogicalID", envelope.get("sender") or "Odoo")
    if envelope.get("receiver"):
        receiver = sub(area, "Receiver")
        sub(receiver, "LogicalID", envelope["receiver"])
    sub(area, "CreationDateTime", envelope["created_at"])
    if envelope.get("document_id"):
        sub(area, "BODID", envelope["document_id"])
    return area


def verb_document(root_name, verb, envelope, **verb_attrs):
    """``<root_name releaseID=...><ApplicationArea/><DataArea><verb/>...`` ->
    (root, data_area)."""
    root = etree.Element(qname(root_name), nsmap={None: NS}, releaseID=RELEASE_ID)
    application_area(root, envelope)
    data_area = sub(root, "DataArea")
    sub(data_area, verb, **verb_attrs)
    return root, data_area


def xsd_of_schedule(_root):
    return SCHEDULE_XSD


def xsd_of_performance(_root):
    return PERFORMANCE_XSD

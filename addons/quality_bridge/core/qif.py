# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""QIF 3.0 Results (ANSI/DMSC QIF, namespace http://qifstandards.org/xsd/qif3) as
the wire format of quality.inspection.result (pure python).

The mapping is the suite's own, written from the element definitions of the QIF
3.0 schemas (QIFDocument, QIFResults, Characteristics, Traceability); the suite
ships none of them. A document reports one inspection: one MeasurementResults.

- inspection_id: MeasurementResults/ThisResultsInstanceQPId, else the document QPId;
- verdict: MeasurementResults/InspectionStatus/InspectionStatusEnum (PASS, FAIL;
  REWORK counts as fail);
- product: Product/PartSet/Part: ModelNumber, else its label;
- lot: the ActualComponent the results name (ActualComponentIds): its
  Traceability/LotNumber, else its SerialNumber;
- production: InspectionTraceability/OrderNumber; inspector: InspectionOperator/
  Name; inspected_at: InspectionEnd, else InspectionStart (the results', else the
  document's, else the component's traceability);
- characteristics: one per *CharacteristicMeasurement, joined to its item (Name
  or designator), nominal (TargetValue) and definition (Tolerance MinValue /
  MaxValue, as limits when DefinedAsLimit, else around the target; the
  ToleranceValue of a geometric characteristic as the upper limit); value:
  Value; unit: the value's linearUnit/angularUnit attribute, else the
  document's FileUnits; verdict: Status/CharacteristicStatusEnum.
"""

import math

from lxml import etree

NS = "http://qifstandards.org/xsd/qif3"
XSD = "QIFApplications/QIFDocument.xsd"
VERDICTS = {"PASS": "pass", "FAIL": "fail", "REWORK": "fail"}
SUFFIX_MEASUREMENT = "CharacteristicMeasurement"


class QifError(ValueError):
    """The document cannot be mapped onto an inspection result."""


def xsd_file(_root):
    return XSD


def _local(element):
    return etree.QName(element).localname


def _number(text, where):
    try:
        value = float(text)
    except (TypeError, ValueError) as err:
        raise QifError(f"{where}: '{text}' is not a number.") from err
    if not math.isfinite(value):
        raise QifError(f"{where}: '{text}' is not a finite number.")
    return value


def _put(target, key, value):
    if value not in (None, ""):
        target[key] = value


def _index(reader, parent, suffix):
    """{QIF id: element} of the children of ``parent`` whose name ends with
    ``suffix`` (the characteristic lists hold one element type per kind)."""
    if parent is None:
        return {}
    return {
        child.get("id"): child
        for child in parent
        if isinstance(child.tag, str) and _local(child).endswith(suffix)
    }


def _one_results(reader, results):
    found = reader.children(
        reader.child(results, "MeasurementResultsSet"), "MeasurementResults"
    )
    if len(found) != 1:
        raise QifError(
            f"Results must hold exactly one MeasurementResults (found {len(found)}): "
            "one document reports one inspection."
        )
    return found[0]


def _traceability(reader, *elements):
    """First non-empty (order, operator, time) over the traceability elements."""
    order = operator = when = None
    for trace in elements:
        if trace is None:
            continue
        order = order or reader.text(trace, "OrderNumber")
        operator = operator or reader.text(trace, "InspectionOperator", "Name")
        when = (
            when
            or reader.text(trace, "InspectionEnd")
            or reader.text(trace, "InspectionStart")
        )
    return order, operator, when


def _component(reader, results, measurement_results):
    id_list = reader.child(measurement_results, "ActualComponentIds")
    ids = set()
    if id_list is not None:
        ids = {
            (element.text or "").strip() for element in reader.children(id_list, "Id")
        }
    components = []
    sets = reader.child(results, "ActualComponentSets")
    for component_set in (
        reader.children(sets, "ActualComponentSet") if sets is not None else []
    ):
        for component in component_set.iterchildren(f"{{{NS}}}ActualComponent"):
            if not ids or component.get("id") in ids:
                components.append(component)
    if len(components) != 1:
        raise QifError(
            "The results must name exactly one ActualComponent (the inspected lot "
            f"or serial; found {len(components)})."
        )
    return components[0]


def _product(reader, root):
    part_set = reader.path(root, "Product", "PartSet")
    parts = reader.children(part_set, "Part") if part_set is not None else []
    if len(parts) != 1:
        raise QifError(
            f"Product/PartSet must hold exactly one Part (found {len(parts)})."
        )
    code = reader.text(parts[0], "ModelNumber") or parts[0].get("label")
    if not code:
        raise QifError("The Part has neither a ModelNumber nor a label.")
    return code


def _units(reader, root):
    units = reader.path(root, "FileUnits", "PrimaryUnits")
    if units is None:
        return {}
    return {
        "linear": reader.text(units, "LinearUnit", "UnitName"),
        "angular": reader.text(units, "AngularUnit", "UnitName"),
    }


def _limits(reader, definition, target):
    """(lower, upper) from a definition's tolerance."""
    if definition is None:
        return None, None
    geometric = reader.text(definition, "ToleranceValue")
    if geometric is not None:
        # A geometric tolerance (position, flatness...): a zone from 0 up to it.
        return None, _number(geometric, "ToleranceValue")
    tolerance = reader.child(definition, "Tolerance")
    if tolerance is None:
        reader.text(definition, "NonTolerance")  # measured only: no limits
        return None, None
    high = reader.text(tolerance, "MaxValue")
    low = reader.text(tolerance, "MinValue")
    as_limit = (reader.text(tolerance, "DefinedAsLimit") or "false") == "true"
    high = _number(high, "Tolerance/MaxValue") if high is not None else None
    low = _number(low, "Tolerance/MinValue") if low is not None else None
    if as_limit:
        return low, high
    if target is None:
        return None, None
    return (
        target + low if low is not None else None,
        target + high if high is not None else None,
    )


def _characteristic(reader, measurement, items, nominals, definitions, units):
    item = items.get(reader.text(measurement, "CharacteristicItemId"))
    if item is None:
        raise QifError(
            f"{_local(measurement)} id {measurement.get('id')}: its "
            "CharacteristicItemId names no characteristic item."
        )
    nominal = nominals.get(reader.text(item, "CharacteristicNominalId"))
    definition = None
    if nominal is not None:
        definition = definitions.get(reader.text(nominal, "CharacteristicDefinitionId"))
    name = (
        reader.text(item, "Name")
        or reader.text(item, "CharacteristicDesignator", "Designator")
        or f"characteristic {item.get('id')}"
    )
    char = {"name": name[:128]}
    target_text = reader.text(nominal, "TargetValue") if nominal is not None else None
    target = _number(target_text, "TargetValue") if target_text is not None else None
    _put(char, "target", target)
    lower, upper = _limits(reader, definition, target)
    _put(char, "lower_limit", lower)
    _put(char, "upper_limit", upper)
    value = reader.child(measurement, "Value")
    if value is not None:
        char["value"] = _number((value.text or "").strip(), f"{name}: Value")
        unit = value.get("linearUnit") or value.get("angularUnit")
        if not unit:
            angular = "Angl" in _local(measurement)
            unit = units.get("angular" if angular else "linear")
        _put(char, "unit", (unit or "")[:32] or None)
    status = reader.text(measurement, "Status", "CharacteristicStatusEnum")
    if status in VERDICTS:
        char["verdict"] = VERDICTS[status]
    return char


def _characteristics(reader, root, measurement_results):
    lists = reader.child(root, "Characteristics")

    def index(list_name, suffix):
        holder = reader.child(lists, list_name) if lists is not None else None
        return _index(reader, holder, suffix)

    items = index("CharacteristicItems", "CharacteristicItem")
    nominals = index("CharacteristicNominals", "CharacteristicNominal")
    definitions = index("CharacteristicDefinitions", "CharacteristicDefinition")
    measurements = reader.path(
        measurement_results, "MeasuredCharacteristics", "CharacteristicMeasurements"
    )
    if measurements is None:
        return []
    units = _units(reader, root)
    result = []
    for measurement in measurements:
        if not isinstance(measurement.tag, str) or not _local(measurement).endswith(
            SUFFIX_MEASUREMENT
        ):
            continue
        result.append(
            _characteristic(reader, measurement, items, nominals, definitions, units)
        )
    return result


def parse_results(reader):
    """A QIFDocument with Results -> quality.inspection.result canonical dict."""
    root = reader.root
    if _local(root) != "QIFDocument":
        raise QifError(f"Root element {_local(root)} is not a QIFDocument.")
    results = reader.child(root, "Results")
    if results is None:
        raise QifError("The QIFDocument has no Results.")
    measurement_results = _one_results(reader, results)
    inspection_id = reader.text(
        measurement_results, "ThisResultsInstanceQPId"
    ) or reader.text(root, "QPId")
    if not inspection_id:
        raise QifError("No ThisResultsInstanceQPId nor QPId: the inspection has no id.")
    status = reader.text(
        measurement_results, "InspectionStatus", "InspectionStatusEnum"
    )
    if status not in VERDICTS:
        raise QifError(
            f"InspectionStatus '{status or 'missing'}' is not a verdict (PASS, FAIL "
            "or REWORK)."
        )
    component = _component(reader, results, measurement_results)
    lot = reader.text(component, "Traceability", "LotNumber") or reader.text(
        component, "SerialNumber"
    )
    payload = {
        "schema_version": "1.0",
        "inspection_id": inspection_id[:128],
        "verdict": VERDICTS[status],
        "product": _product(reader, root),
        "lot": lot,
    }
    order, operator, when = _traceability(
        reader,
        reader.child(measurement_results, "InspectionTraceability"),
        reader.child(results, "InspectionTraceability"),
        reader.child(component, "Traceability"),
    )
    _put(payload, "production", order)
    _put(payload, "inspector", operator)
    _put(payload, "inspected_at", when)
    characteristics = _characteristics(reader, root, measurement_results)
    if characteristics:
        payload["characteristics"] = characteristics
    return {key: value for key, value in payload.items() if value is not None}


# ------------------------------------------------------------------ inverse
def render_results(payload, envelope):
    """quality.inspection.result canonical dict -> QIFDocument root: what a QMS or
    a CMM that speaks QIF sends (the simulated QMS and the tests use it; parsing
    it back gives the same result). ``envelope["document_id"]`` must be a UUID
    (the document's QPId); the inspection id goes in ThisResultsInstanceQPId."""
    ids = iter(range(1, 1_000_000))
    root = etree.Element(_q("QIFDocument"), nsmap={None: NS}, versionQIF="3.0.0")
    _sub(root, "QPId", envelope["document_id"])
    chars = [c for c in payload.get("characteristics") or [] if _numeric(c)]
    unit = next((c["unit"] for c in chars if c.get("unit")), None)
    standard_id = str(next(ids))
    if chars:
        # Characteristics name the drawing standard they are defined by.
        standards = _sub(root, "StandardsDefinitions", n="1")
        standard = _sub(standards, "Standard", id=standard_id)
        _sub(_sub(standard, "Organization"), "StandardsOrganizationEnum", "ASME")
        _sub(standard, "Designator", "Y14.5")
        _sub(standard, "Year", "2018")
    if unit:
        primary = _sub(_sub(root, "FileUnits"), "PrimaryUnits")
        _sub(_sub(primary, "LinearUnit"), "UnitName", unit)
    part_set = _sub(_sub(root, "Product"), "PartSet", n="1")
    part = _sub(part_set, "Part", id=str(next(ids)))
    _sub(part, "ModelNumber", payload["product"])
    measured = []
    if chars:
        lists = _sub(root, "Characteristics")
        _sub(lists, "FormalStandardId", standard_id)
        definitions = _sub(lists, "CharacteristicDefinitions", n=str(len(chars)))
        nominals = _sub(lists, "CharacteristicNominals", n=str(len(chars)))
        items = _sub(lists, "CharacteristicItems", n=str(len(chars)))
        for char in chars:
            definition_id, nominal_id, item_id = (str(next(ids)) for _ in range(3))
            _render_definition(definitions, definition_id, char)
            nominal = _sub(nominals, "LengthCharacteristicNominal", id=nominal_id)
            _sub(nominal, "CharacteristicDefinitionId", definition_id)
            if char.get("target") is not None:
                _sub(nominal, "TargetValue", _decimal(char["target"]))
            item = _sub(items, "LengthCharacteristicItem", id=item_id)
            _sub(item, "Name", char["name"])
            _sub(item, "CharacteristicNominalId", nominal_id)
            measured.append((item_id, char))
    results = _sub(root, "Results")
    result_set = _sub(results, "MeasurementResultsSet", n="1")
    measurement_results = _sub(result_set, "MeasurementResults", id=str(next(ids)))
    trace = _render_traceability(payload)
    if len(trace):
        measurement_results.append(trace)
    _sub(measurement_results, "ThisResultsInstanceQPId", payload["inspection_id"])
    if measured:
        holder = _sub(
            _sub(measurement_results, "MeasuredCharacteristics"),
            "CharacteristicMeasurements",
            n=str(len(measured)),
        )
        for item_id, char in measured:
            measurement = _sub(
                holder, "LengthCharacteristicMeasurement", id=str(next(ids))
            )
            status = _sub(measurement, "Status")
            verdict = char.get("verdict")
            _sub(
                status,
                "CharacteristicStatusEnum",
                verdict.upper() if verdict else "NOT_ANALYZED",
            )
            _sub(measurement, "CharacteristicItemId", item_id)
            _sub(measurement, "Value", _decimal(char["value"]))
    component_id = str(next(ids))
    _sub(
        _sub(measurement_results, "InspectionStatus"),
        "InspectionStatusEnum",
        payload["verdict"].upper(),
    )
    _sub(_sub(measurement_results, "ActualComponentIds", n="1"), "Id", component_id)
    component_set = _sub(
        _sub(results, "ActualComponentSets", n="1"), "ActualComponentSet", n="1"
    )
    component = _sub(component_set, "ActualComponent", id=component_id)
    _sub(_sub(component, "Status"), "InspectionStatusEnum", payload["verdict"].upper())
    _sub(_sub(component, "Traceability"), "LotNumber", payload["lot"])
    root.set("idMax", component_id)
    return root


def _q(name):
    return f"{{{NS}}}{name}"


def _sub(parent, name, text=None, **attrs):
    element = etree.SubElement(parent, _q(name), **attrs)
    if text is not None:
        element.text = str(text)
    return element


def _numeric(char):
    value = char.get("value")
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _decimal(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _render_definition(parent, definition_id, char):
    definition = _sub(parent, "LengthCharacteristicDefinition", id=definition_id)
    low, high = char.get("lower_limit"), char.get("upper_limit")
    if low is None and high is None:
        _sub(definition, "NonTolerance", "MEASURED")
        return
    tolerance = _sub(definition, "Tolerance")
    if high is not None:
        _sub(tolerance, "MaxValue", _decimal(high))
    if low is not None:
        _sub(tolerance, "MinValue", _decimal(low))
    _sub(tolerance, "DefinedAsLimit", "true")


def _render_traceability(payload):
    trace = etree.Element(_q("InspectionTraceability"))
    if payload.get("production"):
        _sub(trace, "OrderNumber", payload["production"])
    if payload.get("inspected_at"):
        _sub(trace, "InspectionEnd", payload["inspected_at"])
    if payload.get("inspector"):
        _sub(_sub(trace, "InspectionOperator"), "Name", payload["inspector"])
    return trace

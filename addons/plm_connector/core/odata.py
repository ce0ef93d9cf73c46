# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""OData entities of a PLM (the shape of Windchill-style REST/OData part and BOM
services) as a wire format of the item and BOM flows (pure python).

Odoo polls them (the pull transport) or a PLM pushes them; either way each entity
becomes the flow's canonical payload here, then the flow's mapping rows apply.
Entity properties read (anything else, ``@odata.*`` annotations included, is not
carried over):

- Part: Number, Revision, Name, Description, DefaultUnit, State (INWORK/DESIGN ->
  design, PROTOTYPE -> prototype, RELEASED -> released, OBSOLETE -> obsolete),
  ChangeNumber, EffectiveDate;
- BOM: Number and Revision of the parent, ChangeNumber, EffectiveDate,
  SupersedesRevision, Components: [{Number, Quantity, Unit, FindNumber}].
The pull cursor uses ModifiedOn and ID (``core/pull.py`` of the engine).
"""

STATES = {
    "INWORK": "design",
    "DESIGN": "design",
    "PROTOTYPE": "prototype",
    "RELEASED": "released",
    "OBSOLETE": "obsolete",
}


class ODataEntityError(ValueError):
    """The entity cannot be mapped onto the flow's payload."""


def _put(target, key, value):
    if value not in (None, ""):
        target[key] = value


def _text(entity, name, required=False):
    value = entity.get(name)
    if value in (None, ""):
        if required:
            raise ODataEntityError(f"The entity has no {name}.")
        return None
    return str(value)


def part_to_item(entity):
    """Part entity -> plm.item.released payload."""
    if not isinstance(entity, dict):
        raise ODataEntityError("A Part entity is a JSON object.")
    item = {
        "schema_version": "1.0",
        "part_number": _text(entity, "Number", required=True),
        "revision": _text(entity, "Revision", required=True),
        "name": _text(entity, "Name", required=True),
    }
    _put(item, "description", _text(entity, "Description"))
    _put(item, "unit", _text(entity, "DefaultUnit"))
    state = (_text(entity, "State") or "").upper()
    _put(item, "lifecycle_state", STATES.get(state))
    _put(item, "change_number", _text(entity, "ChangeNumber"))
    _put(item, "effectivity_date", _text(entity, "EffectiveDate"))
    return item


def bom_to_release(entity):
    """BOM entity (with its Components expanded) -> plm.bom.released payload."""
    if not isinstance(entity, dict):
        raise ODataEntityError("A BOM entity is a JSON object.")
    release = {
        "schema_version": "1.0",
        "part_number": _text(entity, "Number", required=True),
        "revision": _text(entity, "Revision", required=True),
        "change_number": _text(entity, "ChangeNumber", required=True),
    }
    _put(release, "effectivity_date", _text(entity, "EffectiveDate"))
    _put(release, "supersedes_revision", _text(entity, "SupersedesRevision"))
    components = entity.get("Components")
    if not isinstance(components, list):
        raise ODataEntityError("The BOM entity has no Components array ($expand).")
    lines = []
    for index, component in enumerate(components):
        if not isinstance(component, dict):
            raise ODataEntityError(f"Components[{index}] is not an object.")
        line = {
            "component": _text(component, "Number", required=True),
            "quantity": component.get("Quantity"),
        }
        _put(line, "unit", _text(component, "Unit"))
        _put(line, "find_number", _text(component, "FindNumber"))
        lines.append(line)
    release["lines"] = lines
    return release

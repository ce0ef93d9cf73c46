"""Declarative mapping between an external payload and the canonical one.

A rule is a dict::

    {"source": "items[].pn", "target": "lines[].product", "transform": "direct",
     "value_map": {"EA": "Units"}, "constant": None, "default": None,
     "required": False, "datetime_format": None, "timezone": "UTC",
     "lookup_model": None}

Paths are dotted; ``name[]`` walks every element of a list, and the same
``[]`` in the target writes the element at the same index.

Rules override, the rest passes through (readme/CONFIGURE.md, "Field mappings
and value maps"):

- the result starts as a copy of the payload: a field no rule names reaches it
  unchanged, so no rules at all is the identity;
- every rule reads its source in the *incoming* payload (never the output of an
  earlier rule) and writes its target in the result, in the rules' order;
- a rule whose source differs from its target moves the value: the source is
  removed from the result, unless a rule writes that path;
- a ``drop`` rule removes its source from the result;
- a missing source writes nothing (or the rule's default); a ``required`` one
  is an error, and so is a value that a strict value map does not list.

Every error is a ``MappingError`` that names the path that failed.
"""

import copy
from datetime import UTC, datetime

try:  # Python 3.9+
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

TRANSFORMS = ("direct", "value_map", "uom", "datetime", "constant", "lookup", "drop")
_MISSING = object()


class MappingError(Exception):
    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = path


def _split(path):
    return [part for part in path.split(".") if part]


def read(data, path):
    """Values at ``path``: one value, or a list for each ``[]`` walked.
    Returns ``_MISSING`` where a key is absent."""
    parts = _split(path)

    def walk(node, idx):
        if idx == len(parts):
            return node
        part = parts[idx]
        many = part.endswith("[]")
        key = part[:-2] if many else part
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        child = node[key]
        if many:
            if not isinstance(child, list):
                return _MISSING
            return [walk(item, idx + 1) for item in child]
        return walk(child, idx + 1)

    return walk(data, 0)


def write(data, path, value):
    """Write ``value`` (a list of values for each ``[]`` in path) into data."""
    parts = _split(path)

    def put(node, idx, val):
        part = parts[idx]
        many = part.endswith("[]")
        key = part[:-2] if many else part
        last = idx == len(parts) - 1
        if many:
            if not isinstance(val, list):
                raise MappingError(path, "a list is needed where the target has []")
            if not isinstance(node.get(key), list):
                node[key] = []
            items = node[key]
            while len(items) < len(val):
                items.append({} if not last else None)
            for i, item_val in enumerate(val):
                if item_val is _MISSING:
                    continue
                if last:
                    items[i] = item_val
                else:
                    if not isinstance(items[i], dict):
                        items[i] = {}
                    put(items[i], idx + 1, item_val)
        elif last:
            node[key] = val
        else:
            if not isinstance(node.get(key), dict):
                # The target's parent holds a value: the rule's path wins.
                node[key] = {}
            put(node[key], idx + 1, val)

    put(data, 0, value)


def remove(data, path):
    """Remove the key at ``path`` (in every element of each ``[]`` walked)."""
    parts = _split(path)

    def walk(node, idx):
        part = parts[idx]
        many = part.endswith("[]")
        key = part[:-2] if many else part
        if not isinstance(node, dict) or key not in node:
            return
        if idx == len(parts) - 1:
            del node[key]
            return
        children = node[key] if many else [node[key]]
        if not isinstance(children, list):
            return
        for child in children:
            walk(child, idx + 1)

    if parts:
        walk(data, 0)


def _to_utc_iso(value, rule, path):
    if value in (None, ""):
        return value
    fmt = rule.get("datetime_format")
    tzname = rule.get("timezone") or "UTC"
    try:
        if isinstance(value, int | float):
            moment = datetime.fromtimestamp(value, tz=UTC)
        elif fmt:
            moment = datetime.strptime(value, fmt)
        else:
            moment = datetime.fromisoformat(str(value))
    except (TypeError, ValueError) as err:
        raise MappingError(
            path, f"cannot read {value!r} as a date/time ({err})"
        ) from err
    if moment.tzinfo is None:
        if ZoneInfo is None:
            raise MappingError(path, "time zones are not available")
        try:
            moment = moment.replace(tzinfo=ZoneInfo(tzname))
        except Exception as err:  # zoneinfo raises several types for bad names
            raise MappingError(path, f"unknown time zone {tzname!r}") from err
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def naive_utc(text):
    """``text``, a date/time in ISO 8601 (``T`` or a space between date and time;
    ``Z``, an offset, or none for UTC), as the naive UTC datetime Odoo stores: what
    the datetime transform writes, and what JSON senders write. Raises ValueError."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _transform_one(value, rule, path, lookup):
    kind = rule.get("transform") or "direct"
    if value is _MISSING or value is None:
        return value
    if kind in ("value_map", "uom"):
        table = rule.get("value_map") or {}
        key = str(value)
        if key in table:
            return table[key]
        if kind == "uom":
            # A unit the table does not list is taken as Odoo's own name.
            return value
        raise MappingError(path, f"no value map entry for {value!r}")
    if kind == "datetime":
        return _to_utc_iso(value, rule, path)
    if kind == "lookup":
        if lookup is None:
            raise MappingError(path, "lookup transform needs a resolver")
        found = lookup(rule.get("lookup_model"), value)
        if not found:
            raise MappingError(
                path, f"no {rule.get('lookup_model')} bound to external id {value!r}"
            )
        return found
    if kind != "direct":
        raise MappingError(path, f"unknown transform {kind!r}")
    return value


def _apply_rule(source_payload, rule, lookup):
    source = rule.get("source") or ""
    kind = rule.get("transform") or "direct"
    if kind == "constant":
        return rule.get("constant")
    value = read(source_payload, source) if source else _MISSING

    def finish(val, idx_path):
        if val is _MISSING or val is None:
            if rule.get("default") is not None:
                return rule["default"]
            if rule.get("required"):
                raise MappingError(idx_path, "required value is missing")
            return _MISSING
        return _transform_one(val, rule, idx_path, lookup)

    def walk(val, idx_path):
        if isinstance(val, list) and "[]" in source:
            return [walk(item, f"{idx_path}[{i}]") for i, item in enumerate(val)]
        return finish(val, idx_path)

    return walk(value, source or rule.get("target"))


def _moves_source(rule):
    """A rule that reads one path and writes another takes the value away."""
    kind = rule.get("transform") or "direct"
    source = rule.get("source")
    return kind not in ("constant", "drop") and source and source != rule["target"]


def apply_rules(payload, rules, lookup=None):
    """Map ``payload`` with ``rules``; no rules → a deep copy of the payload."""
    if not rules:
        return copy.deepcopy(payload)
    if not isinstance(payload, dict):
        raise MappingError("$", "payload must be a JSON object")
    writes, removed = [], []
    for rule in rules:
        kind = rule.get("transform") or "direct"
        if kind == "drop":
            if not rule.get("source"):
                raise MappingError(rule.get("target") or "$", "drop without a path")
            removed.append(rule["source"])
            continue
        if not rule.get("target"):
            raise MappingError(rule.get("source") or "$", "rule without a target path")
        if _moves_source(rule):
            removed.append(rule["source"])
        value = _apply_rule(payload, rule, lookup)
        if value is not _MISSING:
            writes.append((rule["target"], value))
    result = copy.deepcopy(payload)
    written = {target for target, _value in writes}
    for path in removed:
        if path not in written:
            remove(result, path)
    for target, value in writes:
        write(result, target, value)
    return result

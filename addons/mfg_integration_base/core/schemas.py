"""JSON Schema validation of canonical payloads, one schema per flow and major.

Schemas live in ``<addon>/core/schemas/<flow_code>.v<major>.json``. Validators
are compiled once per file and cached.
"""

import functools
import json
import os

import jsonschema


class SchemaError(Exception):
    """A payload does not fit its flow's contract. ``errors`` lists each
    problem as ``{"path": "lines[2].quantity", "message": "..."}``."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors or []


def schema_path(schema_dir, flow_code, major):
    return os.path.join(schema_dir, f"{flow_code}.v{major}.json")


def available_majors(schema_dir, flow_code):
    prefix = f"{flow_code}.v"
    majors = []
    for name in os.listdir(schema_dir) if os.path.isdir(schema_dir) else []:
        if name.startswith(prefix) and name.endswith(".json"):
            middle = name[len(prefix) : -len(".json")]
            if middle.isdigit():
                majors.append(int(middle))
    return sorted(majors)


@functools.lru_cache(maxsize=256)
def load_schema(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@functools.lru_cache(maxsize=256)
def _validator(path):
    schema = load_schema(path)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def format_path(parts):
    text = ""
    for part in parts:
        text += (
            f"[{part}]"
            if isinstance(part, int)
            else (f".{part}" if text else str(part))
        )
    return text or "$"


def major_of(payload):
    """The major version a payload claims, or raise SchemaError."""
    if not isinstance(payload, dict):
        raise SchemaError(
            "payload must be a JSON object",
            [{"path": "$", "message": "expected an object"}],
        )
    version = payload.get("schema_version")
    if version is None:
        raise SchemaError(
            "schema_version is required",
            [{"path": "schema_version", "message": "required property is missing"}],
        )
    head = str(version).split(".", 1)[0]
    # ASCII digits only, and few: "²" is a digit to str.isdigit but not to
    # int(), and int() refuses thousands of digits.
    if not (head.isascii() and head.isdigit() and len(head) <= 6):
        raise SchemaError(
            f"schema_version {version!r} is not of the form MAJOR.MINOR",
            [{"path": "schema_version", "message": "expected MAJOR.MINOR"}],
        )
    return int(head)


def validate(payload, schema_dir, flow_code):
    """Raise SchemaError with every problem, each pointing at its field."""
    major = major_of(payload)
    path = schema_path(schema_dir, flow_code, major)
    if not os.path.exists(path):
        known = ", ".join(str(m) for m in available_majors(schema_dir, flow_code))
        raise SchemaError(
            f"schema_version {payload.get('schema_version')} is not supported "
            f"for {flow_code} (supported majors: {known or 'none'})",
            [{"path": "schema_version", "message": "unknown major version"}],
        )
    errors = sorted(
        _validator(path).iter_errors(payload), key=lambda e: list(e.absolute_path)
    )
    if errors:
        details = [
            {"path": format_path(list(err.absolute_path)), "message": err.message}
            for err in errors[:20]
        ]
        first = details[0]
        raise SchemaError(f"{first['path']}: {first['message']}", details)
    return major

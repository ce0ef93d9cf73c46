"""What a payload may hold before it is stored: bounded, finite, storable.

PostgreSQL refuses NUL characters and lone surrogates in text, int4 and int8
columns overflow, and Python's json module accepts NaN and Infinity and
recurses once per nesting level. Each of these used to be accepted at the door
and fail later (a 500, or a message stuck in its drain job)."""

import codecs
import json
import math

MAX_DEPTH = 64
INT8_MAX = 2**63 - 1
INT4_MAX = 2**31 - 1
# Top-level fields the engine stores in int4 columns (ordering).
INT4_FIELDS = ("sequence",)


class PayloadProblem(ValueError):
    """``path`` points at the offending value; ``status`` is the HTTP answer."""

    def __init__(self, path, message, status=422):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.status = status


def _refuse_constant(name):
    raise PayloadProblem("$", f"{name} is not a number JSON allows", status=422)


def charset_of(content_type_header):
    """The declared charset of a Content-Type header, lowercased, or None."""
    for part in (content_type_header or "").split(";")[1:]:
        key, _sep, value = part.strip().partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


def decode(body, charset=None):
    """The body as text, decoded with its declared charset (UTF-8 by default)."""
    name = charset or "utf-8"
    try:
        codecs.lookup(name)
    except LookupError as err:
        raise PayloadProblem("$", f"unknown charset {name!r}", status=415) from err
    try:
        text = body.decode(name)
    except UnicodeDecodeError as err:
        raise PayloadProblem(
            "$", f"the body is not valid {name}: {err.reason}", status=400
        ) from err
    return text.lstrip("\ufeff")


def loads(text):
    """json.loads without NaN/Infinity and without recursing past MAX_DEPTH."""
    depth = deepest = 0
    in_string = escaped = False
    # A cheap scan first: json.loads recurses per level (RecursionError).
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    raise PayloadProblem(
                        "$", f"nested deeper than {MAX_DEPTH} levels", status=400
                    )
        elif char in "]}":
            depth -= 1
    return json.loads(text, parse_constant=_refuse_constant)


def _path(parent, key):
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent != "$" else str(key)


def _text_problem(value):
    if "\x00" in value:
        return "holds a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "holds invalid Unicode (a lone surrogate)"
    return None


def _scalar_problem(value):
    """Why a scalar cannot be stored, or None."""
    if isinstance(value, str):
        return _text_problem(value)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int) and abs(value) > INT8_MAX:
        return f"integer out of range (max {INT8_MAX})"
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number"
    return None


def _children(path, value):
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _text_problem(key) if isinstance(key, str) else None
            if problem:
                raise PayloadProblem(_path(path, "?"), f"a key {problem}")
            yield _path(path, key), item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield _path(path, index), item


def _check_int4_fields(payload):
    for name in INT4_FIELDS:
        number = payload.get(name)
        if isinstance(number, int | float) and not isinstance(number, bool):
            if abs(number) > INT4_MAX:
                raise PayloadProblem(name, f"out of range (at most {INT4_MAX})")


def check(payload):
    """Raise PayloadProblem at the first value that cannot be stored."""
    stack = [("$", payload, 1)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PayloadProblem(path, f"nested deeper than {MAX_DEPTH} levels", 400)
        problem = _scalar_problem(value)
        if problem:
            raise PayloadProblem(path, problem)
        stack.extend((child, item, depth + 1) for child, item in _children(path, value))
    if isinstance(payload, dict):
        _check_int4_fields(payload)
    return payload


def storable(text):
    """Raw text as it may be kept for evidence (PostgreSQL refuses NUL)."""
    return text.replace("\x00", "\ufffd") if text else text

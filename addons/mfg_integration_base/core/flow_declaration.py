# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The declaration of a flow: one entry in the owning addon's ``core/flows.py``
says everything the engine needs (ENGINE_API.md §1). The engine derives from it
the ``mfg.flow`` code and wire-format selections, the spec (direction, schema,
formats, pull), the handler it calls and the ordering flag.

A domain addon's ``core/`` cannot import this module (core never imports Odoo,
and the base is reached through ``odoo.addons``), so its entries are plain dicts
with the keywords of ``Flow``; ``declare`` turns them into ``Flow`` objects and
refuses a misspelt or missing keyword at load time."""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

DIRECTIONS = ("inbound", "outbound")


class DeclarationError(ValueError):
    """A flow declaration the engine cannot use (raised at load time)."""


@dataclass(frozen=True)
class WireFormat:
    """One wire format a flow speaks besides canonical JSON (B2MML, QIF, OData).

    ``parser(reader) -> canonical dict``: inbound XML (``reader`` is an
    ``xmldoc.Reader`` over a root element in ``namespace``);
    ``json_parser(obj) -> canonical dict``: inbound JSON of the system's own shape;
    ``renderer(payload, envelope) -> lxml root``: outbound XML;
    ``xsd(root) -> file name`` of the official schema that validates a document
    (used when the connector names a folder of XSDs)."""

    code: str
    label: str
    namespace: str | None = None
    parser: Callable | None = None
    json_parser: Callable | None = None
    renderer: Callable | None = None
    xsd: Callable | None = None


@dataclass(frozen=True)
class Flow:
    """One flow. ``model`` and ``handler`` name the business model and its
    method that apply an inbound message: the engine calls
    ``env[model]._handler(message, payload)`` as the connector's technical user.
    ``ordered``: events of one ordering key are applied in sequence;
    ``channel``: default queue channel of new flows of this code;
    ``xml_parser(bytes) -> dict``: the flow's own XML (not a wire format);
    ``pull``: how its records are polled ({"protocol", "time_field", "id_field"})."""

    code: str
    label: str
    direction: str
    schema_dir: str
    model: str | None = None
    handler: str | None = None
    ordered: bool = False
    channel: str | None = None
    formats: tuple[WireFormat, ...] = ()
    xml_parser: Callable | None = None
    pull: Mapping | None = None

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise DeclarationError(
                f"flow {self.code}: direction must be one of {DIRECTIONS}, "
                f"not {self.direction!r}"
            )
        if not os.path.isdir(self.schema_dir):
            raise DeclarationError(
                f"flow {self.code}: schema_dir {self.schema_dir} is not a folder"
            )
        if self.direction == "inbound" and not (self.model and self.handler):
            raise DeclarationError(
                f"flow {self.code}: an inbound flow names its handler's model "
                "and method (model=..., handler=...)"
            )
        if self.direction == "outbound" and (self.model or self.handler):
            raise DeclarationError(f"flow {self.code}: an outbound flow has no handler")
        formats = tuple(
            fmt if isinstance(fmt, WireFormat) else _build(WireFormat, fmt, self.code)
            for fmt in self.formats
        )
        for fmt in formats:
            self._check_format(fmt)
        if len({fmt.code for fmt in formats}) != len(formats):
            raise DeclarationError(f"flow {self.code}: a wire format twice")
        # frozen: set the normalized tuple the way dataclasses do it themselves
        object.__setattr__(self, "formats", formats)
        if self.pull is not None:
            object.__setattr__(self, "pull", MappingProxyType(dict(self.pull)))

    def _check_format(self, fmt):
        if fmt.code == "json":
            raise DeclarationError(
                f"flow {self.code}: 'json' is canonical JSON, not a wire format"
            )
        reads = bool(fmt.parser or fmt.json_parser)
        if self.direction == "inbound" and (fmt.renderer or not reads):
            raise DeclarationError(
                f"flow {self.code}: wire format {fmt.code} of an inbound flow "
                "has a parser or json_parser, and no renderer"
            )
        if self.direction == "outbound" and (reads or not fmt.renderer):
            raise DeclarationError(
                f"flow {self.code}: wire format {fmt.code} of an outbound flow "
                "has a renderer, and no parser"
            )

    def wire_format(self, code):
        """The declared WireFormat ``code`` of this flow, or None."""
        return next((fmt for fmt in self.formats if fmt.code == code), None)

    @property
    def accepts_xml(self):
        """True when the flow reads XML bodies (its own parser or a format's)."""
        return bool(self.xml_parser or any(fmt.parser for fmt in self.formats))


def _build(cls, entry, where):
    try:
        return cls(**entry)
    except TypeError as err:
        # A misspelt or missing keyword: say which declaration it is.
        raise DeclarationError(f"{where}: {err}") from err


def declare(entries):
    """{code: Flow} of one addon's entries (dicts with Flow's keywords, or Flow
    objects), in their order; refuses a code declared twice."""
    declared = {}
    for entry in entries:
        flow = (
            entry
            if isinstance(entry, Flow)
            else _build(Flow, entry, entry.get("code", "a flow declaration"))
        )
        if flow.code in declared:
            raise DeclarationError(f"flow {flow.code} is declared twice")
        declared[flow.code] = flow
    return MappingProxyType(declared)


def merge(declarations):
    """One {code: Flow} of several addons' ``declare`` results; a code that two
    addons both declare is refused (each flow has one owner)."""
    merged = {}
    for declared in declarations:
        for code, flow in declared.items():
            if code in merged and merged[code] != flow:
                raise DeclarationError(f"flow {code} is declared by two addons")
            merged[code] = flow
    return MappingProxyType(merged)


def code_selection(declared):
    """[(code, label)] of the declared flows, for ``mfg.flow.code``."""
    return [(flow.code, flow.label) for flow in declared.values()]


def format_selection(declared):
    """[(format code, label)] of the wire formats the flows speak, once each,
    for ``mfg.flow.payload_format``; one code has one label."""
    labels = {}
    for flow in declared.values():
        for fmt in flow.formats:
            if labels.setdefault(fmt.code, fmt.label) != fmt.label:
                raise DeclarationError(
                    f"wire format {fmt.code} has two labels: "
                    f"{labels[fmt.code]!r} and {fmt.label!r}"
                )
    return list(labels.items())

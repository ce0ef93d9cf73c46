# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""XML payload formats (B2MML, QIF...): safe parsing, optional XSD validation and
a reader that remembers which elements a format's parser used (pure python).

The engine parses every XML body here, once, so that the rules against hostile
documents live in one place: no DOCTYPE or ENTITY declaration at all (where entity
bombs and external entities live), no DTD loading, no network, bounded size, depth
and element count; encodings are lxml's (a wrong or unknown one is refused). A
format's parser then gets a ``Reader`` and returns the flow's canonical dict; the
elements it never read are reported (``Reader.ignored()``) and logged on the
message, never silently applied.
"""

import os
import re
import threading

from lxml import etree

MAX_DEPTH = 48
MAX_ELEMENTS = 50000
MAX_IGNORED_LISTED = 50
_DECLARATION_RE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")


class XmlDocumentError(ValueError):
    """The body is not an acceptable XML document (the webhook answers 400)."""

    def __init__(self, message, details=None):
        super().__init__(message)
        self.details = details or []


def _parser():
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data, max_bytes=None):
    """Bytes -> root element, or XmlDocumentError saying what is wrong."""
    if isinstance(data, str):
        # Stored text (see as_text): its declared encoding no longer applies.
        data = _XML_DECL_RE.sub("", data, count=1).encode("utf-8")
    if not data or not data.strip():
        raise XmlDocumentError("Empty XML document.")
    if max_bytes and len(data) > max_bytes:
        raise XmlDocumentError(f"XML document larger than {max_bytes} bytes.")
    # UTF-16/32 documents have NUL bytes between the characters of the markup.
    if _DECLARATION_RE.search(data) or _DECLARATION_RE.search(data.replace(b"\0", b"")):
        raise XmlDocumentError(
            "DOCTYPE and ENTITY declarations are not allowed in XML payloads."
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as err:
        raise XmlDocumentError(f"Malformed XML: {err}") from err
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise XmlDocumentError(
            "DOCTYPE and ENTITY declarations are not allowed in XML payloads."
        )
    _check_shape(root)
    return root


def _check_shape(root):
    count = 0
    for _element in root.iter():
        count += 1
        if count > MAX_ELEMENTS:
            raise XmlDocumentError(
                f"XML document has more than {MAX_ELEMENTS} elements."
            )
    # Depth only along the deepest path: iterate with an explicit stack.
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise XmlDocumentError(
                f"XML document nested deeper than {MAX_DEPTH} levels "
                f"(line {element.sourceline})."
            )
        stack.extend((child, depth + 1) for child in element)


def as_text(data):
    """The body as text to store (messages keep text): UTF-8 as is; another
    declared encoding (UTF-16, ISO-8859-1...) decoded by lxml, so that what the
    job parses again is what the webhook accepted."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Another declared encoding: lxml decodes it (or the body is refused
        # later by the parser, and the text keeps what it can for the log).
        try:
            return etree.tostring(parse(data), encoding="unicode")
        except XmlDocumentError:
            return data.decode("utf-8", "replace")


def local_name(element):
    return etree.QName(element).localname


def namespace(element):
    return etree.QName(element).namespace


# ------------------------------------------------------------------ schemas
_schema_cache = {}
_schema_lock = threading.Lock()


def _schema(path):
    """Compiled XMLSchema of one XSD file, cached per path and modification time.
    Includes and imports are read from the same folder; never from the network."""
    stamp = os.path.getmtime(path)
    with _schema_lock:
        cached = _schema_cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        schema = etree.XMLSchema(etree.parse(path, parser=parser))
        _schema_cache[path] = (stamp, schema)
        return schema


def validate_xsd(root, xsd_dir, xsd_file):
    """Raise XmlDocumentError when ``root`` breaks ``xsd_dir/xsd_file``.
    A missing folder or file is an error too: the user asked for validation."""
    path = os.path.join(xsd_dir, xsd_file)
    if not os.path.isfile(path):
        raise XmlDocumentError(
            f"Schema {xsd_file} not found in the XSD folder {xsd_dir}."
        )
    try:
        schema = _schema(path)
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as err:
        raise XmlDocumentError(f"Schema {xsd_file} cannot be loaded: {err}") from err
    if schema.validate(root):
        return
    details = [
        {"path": f"line {error.line}", "message": error.message}
        for error in list(schema.error_log)[:20]
    ]
    raise XmlDocumentError(
        f"Document does not validate against {xsd_file}: {details[0]['message']}",
        details,
    )


# ------------------------------------------------------------------- reader
class Reader:
    """Reads a namespaced document by local names and remembers what was read.

    Every element returned by ``child``/``children`` (and its ancestors) counts
    as used; ``ignored()`` lists the top-most elements that were not, so that a
    format can say which parts of a document it did not apply."""

    def __init__(self, root, ns=None):
        self.root = root
        self.ns = ns if ns is not None else namespace(root)
        self._used = {root}

    def _tag(self, name):
        return f"{{{self.ns}}}{name}" if self.ns else name

    def use(self, element):
        """Mark ``element`` and its whole subtree as read."""
        self._used.update(element.iter())
        parent = element.getparent()
        while parent is not None and parent not in self._used:
            self._used.add(parent)
            parent = parent.getparent()
        return element

    def _mark(self, element):
        self._used.add(element)
        parent = element.getparent()
        while parent is not None and parent not in self._used:
            self._used.add(parent)
            parent = parent.getparent()
        return element

    def children(self, element, name):
        return [self._mark(child) for child in element.iterchildren(self._tag(name))]

    def child(self, element, name):
        found = element.find(self._tag(name))
        return self._mark(found) if found is not None else None

    def path(self, element, *names):
        for name in names:
            if element is None:
                return None
            element = self.child(element, name)
        return element

    def text(self, element, *names):
        """Stripped text at a path of local names below ``element``, or None."""
        found = self.path(element, *names)
        if found is None:
            return None
        self.use(found)
        text = (found.text or "").strip()
        return text or None

    def ignored(self):
        """Paths of the top-most elements no parser step read (capped)."""
        paths = []
        for element in self.root.iter():
            if element in self._used or not isinstance(element.tag, str):
                continue
            parent = element.getparent()
            if parent is not None and parent not in self._used:
                continue  # its parent is listed already
            paths.append(self._describe(element))
            if len(paths) >= MAX_IGNORED_LISTED:
                paths.append("...")
                break
        return paths

    def _describe(self, element):
        names = []
        node = element
        while node is not None:
            names.append(local_name(node))
            node = node.getparent()
        return "/".join(reversed(names)) + f" (line {element.sourceline})"


def parse_with_format(body, wire, xsd_dir=None, max_bytes=None):
    """Inbound: XML body -> (canonical dict, [ignored element paths]), read by
    ``wire`` (a flow_declaration.WireFormat).
    Raises XmlDocumentError (the webhook answers 400)."""
    root = parse(body, max_bytes=max_bytes)
    expected_ns = wire.namespace
    if expected_ns is not None and namespace(root) != expected_ns:
        raise XmlDocumentError(
            f"Root element {local_name(root)} is not in the namespace {expected_ns}."
        )
    if xsd_dir and wire.xsd:
        validate_xsd(root, xsd_dir, wire.xsd(root))
    reader = Reader(root, expected_ns)
    payload = wire.parser(reader)
    return payload, reader.ignored()


def serialize(root):
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Safe parsing of XML payload formats (B2MML, QIF): hostile documents are refused
with a reason, never expanded, fetched or walked without bound."""

import pytest
from mfg_integration_base_core import xmldoc

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<a xmlns="urn:x">&lol3;</a>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE a SYSTEM "http://127.0.0.1:9/evil.dtd"><a xmlns="urn:x"/>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a xmlns="urn:x">&x;</a>"""


@pytest.mark.parametrize(
    "data, reason",
    [
        (BILLION_LAUGHS, "DOCTYPE and ENTITY"),
        (EXTERNAL_DTD, "DOCTYPE and ENTITY"),
        (EXTERNAL_ENTITY, "DOCTYPE and ENTITY"),
        (BILLION_LAUGHS.decode().encode("utf-16"), "DOCTYPE and ENTITY"),
        (b"<a>" * 60 + b"</a>" * 60, "deeper than"),
        (b"<a>" * 400 + b"</a>" * 400, "Malformed XML"),
        (b"<a>" + b"<b/>" * (xmldoc.MAX_ELEMENTS + 1) + b"</a>", "more than"),
        (b'<?xml version="1.0" encoding="ebcdic-unknown"?><a/>', "Malformed XML"),
        (b'<?xml version="1.0" encoding="UTF-8"?><a>\xff\xfe</a>', "Malformed XML"),
        (b'<?xml version="1.0" encoding="UTF-16"?><a/>', "Malformed XML"),
        (b"", "Empty"),
        (b"<a><b></a>", "Malformed XML"),
        (b"\x00<a/>", "Malformed XML"),
    ],
)
def test_hostile_documents_are_refused_with_a_reason(data, reason):
    with pytest.raises(xmldoc.XmlDocumentError, match=reason):
        xmldoc.parse(data)


def test_size_limit():
    with pytest.raises(xmldoc.XmlDocumentError, match="larger than 100 bytes"):
        xmldoc.parse(b"<a>" + b"x" * 200 + b"</a>", max_bytes=100)


def test_declared_encodings_are_honoured():
    root = xmldoc.parse(
        '<?xml version="1.0" encoding="UTF-16"?><a>é</a>'.encode("utf-16")
    )
    assert root.text == "é"
    root = xmldoc.parse(b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>')
    assert root.text == "é"


def test_reader_reports_what_was_not_read():
    root = xmldoc.parse(b'<r xmlns="urn:x"><a><b>1</b><c>2</c></a><d><e/></d><f/></r>')
    reader = xmldoc.Reader(root)
    assert reader.text(root, "a", "b") == "1"
    reader.child(root, "f")
    assert [p.split(" (")[0] for p in reader.ignored()] == ["r/a/c", "r/d"]


def test_missing_xsd_is_an_error_not_a_pass(tmp_path):
    root = xmldoc.parse(b"<a/>")
    with pytest.raises(xmldoc.XmlDocumentError, match="not found"):
        xmldoc.validate_xsd(root, str(tmp_path), "nothing.xsd")


def test_xsd_validation_with_a_local_schema(tmp_path):
    (tmp_path / "a.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:element name="a" type="xs:integer"/></xs:schema>'
    )
    xmldoc.validate_xsd(xmldoc.parse(b"<a>3</a>"), str(tmp_path), "a.xsd")
    with pytest.raises(xmldoc.XmlDocumentError, match="does not validate"):
        xmldoc.validate_xsd(xmldoc.parse(b"<a>x</a>"), str(tmp_path), "a.xsd")


def test_stored_text_parses_as_the_accepted_body():
    body = '<?xml version="1.0" encoding="UTF-16"?><a>Zoë</a>'.encode("utf-16")
    text = xmldoc.as_text(body)
    assert xmldoc.parse(text).text == "Zoë"
    latin = b'<?xml version="1.0" encoding="ISO-8859-1"?><a>Zo\xeb</a>'
    assert xmldoc.parse(xmldoc.as_text(latin)).text == "Zoë"
    utf8 = '<?xml version="1.0" encoding="UTF-8"?><a>Zoë</a>'.encode()
    assert xmldoc.parse(xmldoc.as_text(utf8)).text == "Zoë"

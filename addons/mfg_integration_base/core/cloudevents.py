# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""CloudEvents 1.0 envelope of outbound messages, HTTP protocol binding (pure
python): binary mode puts the attributes in ``ce-*`` headers and leaves the body
as it is; structured mode sends one ``application/cloudevents+json`` object
whose ``data`` is the payload (JSON as is, any other content type as text)."""

import json

SPEC_VERSION = "1.0"
TYPE_PREFIX = "org.mfg-integration."
STRUCTURED_MEDIA_TYPE = "application/cloudevents+json"


def attributes(flow_code, source, event_id, time, content_type):
    return {
        "specversion": SPEC_VERSION,
        "type": TYPE_PREFIX + flow_code,
        "source": source,
        "id": event_id,
        "time": time,
        "datacontenttype": content_type,
    }


def binary(attrs, body, content_type):
    """(body, content type, headers) of binary mode."""
    headers = {
        f"ce-{name}": value
        for name, value in attrs.items()
        if name != "datacontenttype" and value
    }
    return body, content_type, headers


def structured(attrs, body, content_type):
    """(body, content type, headers) of structured mode."""
    event = dict(attrs)
    if content_type == "application/json" or content_type.endswith("+json"):
        event["data"] = json.loads(body)
    else:
        event["data"] = body.decode("utf-8")
    data = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
    return data.encode("utf-8"), STRUCTURED_MEDIA_TYPE, {}

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""AsyncAPI 3.0 document of every flow (the event catalog), built from the flows'
JSON Schemas like the OpenAPI document of the webhooks (pure python).

Two servers: ``odoo`` receives the inbound flows as signed webhooks
(``POST /mfg/v1/{connector_code}/{flow_code}``); ``external`` is a connector's
base URL, which receives the outbound flows (``POST <base URL>/<flow_code>``).
Each flow is one channel with one message whose payload is the flow's canonical
schema; the Standard Webhooks signature headers and the optional CloudEvents 1.0
binary-mode headers are described on the messages."""

import copy

from . import schemas as schema_lib

SIGNATURE_DESCRIPTION = (
    "Standard Webhooks: webhook-signature is 'v1,' + base64(HMAC-SHA256(secret, "
    "webhook-id + '.' + webhook-timestamp + '.' + body)); several space-separated "
    "signatures are accepted during a secret rotation; the timestamp must be within "
    "the connector's tolerance (default 5 minutes)."
)
HEADERS_SCHEMA = {
    "type": "object",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "webhook-id": {
            "type": "string",
            "description": "Unique id of the message; a resent id is a duplicate.",
        },
        "webhook-timestamp": {
            "type": "string",
            "description": "Unix time in seconds when the message was signed.",
        },
        "webhook-signature": {"type": "string", "description": SIGNATURE_DESCRIPTION},
        "Idempotency-Key": {
            "type": "string",
            "description": "Outbound only: the message's idempotency key.",
        },
        "ce-specversion": {
            "type": "string",
            "const": "1.0",
            "description": "Outbound, CloudEvents binary mode only.",
        },
        "ce-type": {"type": "string", "description": "CloudEvents type."},
        "ce-source": {"type": "string", "description": "CloudEvents source."},
        "ce-id": {"type": "string", "description": "CloudEvents id."},
        "ce-time": {"type": "string", "format": "date-time"},
    },
}


def _schema(spec, code):
    majors = schema_lib.available_majors(spec.schema_dir, code)
    if not majors:
        return None
    schema = copy.deepcopy(
        schema_lib.load_schema(
            schema_lib.schema_path(spec.schema_dir, code, majors[-1])
        )
    )
    # The default AsyncAPI schema format is JSON Schema draft 7 (a superset):
    # the keywords of the suite's schemas are shared; the dialect marker is not.
    schema.pop("$schema", None)
    schema.pop("$id", None)
    return schema


def _relocate_refs(node, prefix):
    """Local references of a flow's schema ("#/$defs/x") point into the copy
    embedded under ``prefix`` ("#/components/schemas/<name>")."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            node["$ref"] = prefix + ref[1:]
        for value in node.values():
            _relocate_refs(value, prefix)
    elif isinstance(node, list):
        for value in node:
            _relocate_refs(value, prefix)
    return node


def _content_types(spec):
    types = ["application/json"]
    if spec.accepts_xml or any(fmt.renderer for fmt in spec.formats):
        types.append("application/xml")
    return types


def build(flow_specs, title="Manufacturing Integration Suite events", version="1.0.0"):
    """``flow_specs``: {flow_code: flow_declaration.Flow}."""
    channels, operations, messages, schemas = {}, {}, {}, {}
    for code in sorted(flow_specs):
        spec = flow_specs[code]
        schema = _schema(spec, code)
        if schema is None:
            continue
        name = code.replace(".", "_")
        inbound = spec.direction == "inbound"
        schemas[name] = _relocate_refs(schema, f"#/components/schemas/{name}")
        formats = sorted(fmt.code for fmt in spec.formats)
        messages[name] = {
            "name": name,
            "title": schema.get("title", code),
            "summary": schema.get("description", code),
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/SignedHeaders"},
            "payload": {"$ref": f"#/components/schemas/{name}"},
            "description": (
                "Canonical JSON payload; content types on the wire: "
                + ", ".join(_content_types(spec))
                + (
                    f" (wire formats: json, {', '.join(formats)})"
                    if formats
                    else " (wire format: json)"
                )
                + "."
            ),
        }
        channels[name] = {
            "address": f"{{connector_code}}/{code}" if inbound else code,
            "servers": [
                {"$ref": "#/servers/odoo" if inbound else "#/servers/external"}
            ],
            "parameters": {"connector_code": {"description": "Connector code."}}
            if inbound
            else {},
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "description": (
                f"{'Inbound' if inbound else 'Outbound'} flow {code}"
                + (
                    "; ordered per ordering_key by sequence"
                    if "ordering_key" in schema.get("properties", {})
                    and "sequence" in schema.get("properties", {})
                    else ""
                )
                + "."
            ),
        }
        if not channels[name]["parameters"]:
            del channels[name]["parameters"]
        operations[f"{'receive' if inbound else 'send'}_{name}"] = {
            "action": "receive" if inbound else "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
            "summary": (
                f"Odoo receives {code} (webhook POST, or a scheduled pull)"
                if inbound
                else f"Odoo sends {code} (POST, retried with backoff)"
            ),
        }
    schemas["SignedHeaders"] = HEADERS_SCHEMA
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Every flow of the suite: what Odoo receives and sends. "
            "The webhook API is also described by /mfg/v1/openapi.json.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "odoo": {
                "host": "{odoo_host}",
                "protocol": "https",
                "pathname": "/mfg/v1",
                "description": "Odoo's webhook intake.",
                "variables": {"odoo_host": {"description": "Odoo's host name."}},
                "security": [{"$ref": "#/components/securitySchemes/standardWebhooks"}],
            },
            "external": {
                "host": "{external_host}",
                "protocol": "https",
                "description": "An external system: the connector's base URL.",
                "variables": {
                    "external_host": {
                        "description": "Host of the connector's base URL."
                    }
                },
                "security": [{"$ref": "#/components/securitySchemes/standardWebhooks"}],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "standardWebhooks": {
                    "type": "httpApiKey",
                    "name": "webhook-signature",
                    "in": "header",
                    "description": SIGNATURE_DESCRIPTION,
                }
            },
        },
    }

"""OpenAPI 3.1 document of the webhook API, built from the flows' schemas."""

import copy

from . import schemas as schema_lib
from . import signatures

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "message_id": {"type": ["integer", "null"]},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "path": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
ACCEPTED_SCHEMA = {
    "type": "object",
    "required": ["message_id", "status"],
    "additionalProperties": False,
    "properties": {"message_id": {"type": "integer"}, "status": {"const": "queued"}},
}
MESSAGE_STATES = [
    "received",
    "queued",
    "done",
    "failed",
    "dead",
    "parked",
    "ignored",
]
DUPLICATE_SCHEMA = {
    "type": "object",
    "required": ["message_id", "status", "duplicate"],
    "additionalProperties": False,
    "properties": {
        "message_id": {
            "type": "integer",
            "description": "The first message stored with this webhook-id.",
        },
        "status": {
            "enum": MESSAGE_STATES,
            "description": "That first message's state now.",
        },
        "duplicate": {"const": True},
    },
}
SECURITY_SCHEME = {
    "type": "apiKey",
    "in": "header",
    "name": "webhook-signature",
    "description": (
        "Standard Webhooks signature (https://www.standardwebhooks.com). Every "
        "request carries webhook-id, webhook-timestamp (unix seconds, within "
        "the connector's tolerance, 300 s by default) and webhook-signature: "
        "space-separated `v1,<base64 of HMAC-SHA256>` over "
        "`{webhook-id}.{webhook-timestamp}.{raw body}`. The HMAC key is the "
        "connector's signing secret base64-decoded. The secret is base64 of "
        f"{signatures.MIN_SECRET_BYTES} to {signatures.MAX_SECRET_BYTES} random "
        "bytes, optionally prefixed `whsec_` (the prefix is not part of the "
        "key; both forms give the same key). During a rotation the previous "
        "secret stays valid for the grace period: sign with both."
    ),
    "x-secret-format": {
        "encoding": "base64",
        "optional-prefix": signatures.SECRET_PREFIX,
        "min-bytes": signatures.MIN_SECRET_BYTES,
        "max-bytes": signatures.MAX_SECRET_BYTES,
    },
}
BATCH_SCHEMA = {
    "type": "object",
    "required": ["accepted", "duplicates", "rejected", "results"],
    "properties": {
        "accepted": {"type": "integer"},
        "duplicates": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["index", "status"],
                "properties": {
                    "index": {"type": "integer"},
                    "status": {"enum": ["queued", "duplicate", "rejected"]},
                    "message_id": {"type": "integer"},
                    "error": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
}
STATUS_SCHEMA = {
    "type": "object",
    "required": ["message_id", "status"],
    "properties": {
        "message_id": {"type": "integer"},
        "status": {"type": "string"},
        "error_kind": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"]},
        "processed_at": {"type": ["string", "null"]},
    },
}
SIGNATURE_HEADERS = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "Unique per message: the idempotency key.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "Unix time in seconds.",
        "schema": {"type": "string", "pattern": "^[0-9]{1,12}$"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
    },
]
CONNECTOR_PARAM = {
    "name": "connector_code",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}


def _error(description):
    return {
        "description": description
        + " (a refused request is kept as a message in state `rejected`)",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
        },
    }


def _responses():
    return {
        "200": {
            "description": "Duplicate webhook-id: the first message's id and state, "
            "nothing redone. The repeated request is kept as a message in state "
            "`duplicate`.",
            "content": {"application/json": {"schema": DUPLICATE_SCHEMA}},
        },
        "202": {
            "description": "Stored and queued",
            "content": {"application/json": {"schema": ACCEPTED_SCHEMA}},
        },
        "400": _error("Malformed body (not JSON or XML, nested too deep)"),
        "401": _error("Missing, wrong or expired signature"),
        "404": _error("Unknown or paused connector, or unknown flow"),
        "413": _error("Body over the connector's size limit"),
        "415": _error("Unsupported content type or charset"),
        "422": _error(
            "Payload does not fit the flow's schema, or holds a value that "
            "cannot be stored (NUL, non-finite number, integer out of range)"
        ),
        "429": {
            **_error("Over the connector's inbound rate limit: nothing stored"),
            "headers": {
                "Retry-After": {
                    "description": "Seconds before sending again",
                    "schema": {"type": "integer"},
                }
            },
        },
    }


def _request_schema(schema):
    """The flow's schema as the intake applies it: schema_version is required
    whatever the schema says (the intake reads the major version from it)."""
    schema = copy.deepcopy(schema)
    schema.pop("$schema", None)
    if "schema_version" in schema.get("properties", {}):
        required = schema.setdefault("required", [])
        if "schema_version" not in required:
            required.insert(0, "schema_version")
    return schema


def _xml_content(code):
    return {
        "schema": {
            "type": "string",
            "contentMediaType": "application/xml",
            "description": (
                f"An XML document of the flow {code} in the connector's wire "
                "format for it (see the addon's readme/USAGE.md); UTF-8 or its "
                "declared encoding; no DOCTYPE or entities."
            ),
        }
    }


def build(
    flow_specs, title="Manufacturing Integration Suite webhooks", version="1.0.0"
):
    """``flow_specs``: {flow_code: flow_declaration.Flow}."""
    paths = {}
    components = {"Error": ERROR_SCHEMA}
    for code in sorted(flow_specs):
        spec = flow_specs[code]
        if spec.direction != "inbound":
            continue
        majors = schema_lib.available_majors(spec.schema_dir, code)
        if not majors:
            continue
        schema = _request_schema(
            schema_lib.load_schema(
                schema_lib.schema_path(spec.schema_dir, code, majors[-1])
            )
        )
        name = code.replace(".", "_")
        components[name] = schema
        ref = {"$ref": f"#/components/schemas/{name}"}
        content = {"application/json": {"schema": ref}}
        if spec.accepts_xml:
            content["application/xml"] = _xml_content(code)
        paths[f"/mfg/v1/{{connector_code}}/{code}"] = {
            "post": {
                "operationId": f"post_{name}",
                "summary": f"Send one {code} event",
                "parameters": [CONNECTOR_PARAM, *SIGNATURE_HEADERS],
                "requestBody": {"required": True, "content": content},
                "responses": _responses(),
            }
        }
        paths[f"/mfg/v1/{{connector_code}}/{code}/batch"] = {
            "post": {
                "operationId": f"post_{name}_batch",
                "summary": f"Send several {code} events in one request",
                "parameters": [CONNECTOR_PARAM, *SIGNATURE_HEADERS],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "minItems": 1, "items": ref}
                        }
                    },
                },
                "responses": {
                    "207": {
                        "description": "One result per item, in order",
                        "content": {"application/json": {"schema": BATCH_SCHEMA}},
                    },
                    **{
                        k: v for k, v in _responses().items() if k not in ("200", "202")
                    },
                    "422": {
                        "description": "Every item is invalid (one result per item)",
                        "content": {"application/json": {"schema": BATCH_SCHEMA}},
                    },
                },
            }
        }
    paths["/mfg/v1/{connector_code}/messages/{webhook_id}"] = {
        "get": {
            "operationId": "get_message_status",
            "summary": "What became of a message (signed like a webhook, empty body)",
            "parameters": [
                CONNECTOR_PARAM,
                {
                    "name": "webhook_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
                *SIGNATURE_HEADERS,
            ],
            "responses": {
                "200": {
                    "description": "Message state",
                    "content": {"application/json": {"schema": STATUS_SCHEMA}},
                },
                "401": _error("Bad signature"),
                "404": _error("Unknown connector or message"),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "security": [{"standardWebhooks": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"standardWebhooks": SECURITY_SCHEME},
        },
    }

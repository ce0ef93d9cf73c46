# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Wire formats of a flow (DESIGN.md, "Decisions of turn 2"): a connector chooses
per flow the format its system speaks; canonical JSON is the default. A domain
addon declares the formats a flow can speak in its FLOW_SPECS:

    "formats": {"b2mml": {"namespace": NS, "parser": parse, "renderer": render,
                          "xsd": xsd_file_of_root}}

``parser(reader) -> canonical dict`` (inbound; ``reader`` is an
``xmldoc.Reader``), ``renderer(payload, envelope) -> lxml root`` (outbound),
``xsd(root) -> file name`` of the official schema that validates a document
(used only when the connector names a folder of XSDs). Everything after the
parser (mapping, schema, ordering, handler) is the same for every format."""

import json

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core import cloudevents, xmldoc
from ..exceptions import MfgValidationError

JSON_MEDIA_TYPE = "application/json"
XML_MEDIA_TYPE = "application/xml"


class MfgFlow(models.Model):
    _inherit = "mfg.flow"

    payload_format = fields.Selection(
        [("json", "Canonical JSON")],
        string="Wire format",
        default="json",
        required=True,
        help="What the external system sends or receives on this flow. "
        "Inbound flows with an XML format still accept canonical JSON.",
        mfg_template=True,
    )

    @api.constrains("code", "payload_format")
    def _check_payload_format(self):
        for flow in self:
            if flow.payload_format == "json" or flow.code not in (
                flow._get_flow_specs()
            ):
                continue
            if flow.payload_format not in flow._get_spec().get("formats", {}):
                raise ValidationError(
                    self.env._(
                        "Flow %(flow)s cannot speak %(format)s.",
                        flow=flow.code,
                        format=flow.payload_format,
                    )
                )

    def _format_spec(self):
        """The spec of this flow's wire format, or None for canonical JSON."""
        self.ensure_one()
        if self.payload_format == "json":
            return None
        return self._get_spec().get("formats", {}).get(self.payload_format)

    def _wrap_envelope(self, body, content_type, message):
        """(body, content type, extra headers): the connector's CloudEvents
        envelope around what the flow renders, or the body as it is."""
        self.ensure_one()
        mode = self.connector_id.cloudevents_mode
        if mode not in ("binary", "structured"):
            return body, content_type, {}
        attrs = cloudevents.attributes(
            self.code,
            f"/odoo/{self.env.cr.dbname}/connectors/{self.connector_id.code}",
            message.idempotency_key,
            fields.Datetime.to_string(
                message.create_date or fields.Datetime.now()
            ).replace(" ", "T")
            + "Z",
            content_type,
        )
        wrap = cloudevents.binary if mode == "binary" else cloudevents.structured
        return wrap(attrs, body, content_type)

    def _render_outbound(self, payload, message):
        """Mapped outbound payload -> (body bytes, content type) of the format."""
        spec = self._format_spec()
        if spec is None:
            body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
            return body, JSON_MEDIA_TYPE
        envelope = {
            "document_id": message.idempotency_key,
            "created_at": fields.Datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sender": self.connector_id.company_id.name or "Odoo",
            "receiver": self.connector_id.code,
        }
        root = spec["renderer"](payload, envelope)
        xsd_dir = self.connector_id.xsd_dir
        if xsd_dir and spec.get("xsd"):
            # A document the official schema refuses is not sent: the message
            # fails with the schema's reason instead.
            try:
                xmldoc.validate_xsd(root, xsd_dir, spec["xsd"](root))
            except xmldoc.XmlDocumentError as err:
                raise MfgValidationError(
                    str(err), record=message._get_business_record()
                ) from err
        return xmldoc.serialize(root), XML_MEDIA_TYPE


class MfgConnector(models.Model):
    _inherit = "mfg.connector"

    cloudevents_mode = fields.Selection(
        [
            ("none", "None"),
            ("binary", "CloudEvents 1.0, binary mode (ce-* headers)"),
            ("structured", "CloudEvents 1.0, structured mode (one JSON event)"),
        ],
        string="Outbound envelope",
        default="none",
        required=True,
        help="Wrap outbound messages as CloudEvents, for event brokers and "
        "low-code tools; the Standard Webhooks signature covers what is sent.",
        mfg_template=True,
    )

    xsd_dir = fields.Char(
        string="Folder of official XSDs",
        groups="base.group_system",
        help="Server folder holding the official schemas of the XML formats this "
        "connector speaks (for instance MESA's B2MML V0700 'Schema' folder, or "
        "QIF 3.0's 'xsd' folder). When set, every XML document received or sent "
        "is validated against them; the suite does not ship them.",
        mfg_template=True,
    )

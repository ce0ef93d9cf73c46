# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The declaration of a flow (core/flow_declaration.py) and every addon's
declarations (core/flows.py), without Odoo."""

import os

import pytest
from mes_connector_core import flows as mes_flows
from mfg_integration_base_core import flow_declaration, flows
from plm_connector_core import flows as plm_flows
from quality_bridge_core import flows as quality_flows
from scheduler_connector_core import flows as scheduler_flows

DeclarationError = flow_declaration.DeclarationError
ADDON_FLOWS = {
    "mfg_integration_base": flows.FLOWS,
    "plm_connector": plm_flows.FLOWS,
    "mes_connector": mes_flows.FLOWS,
    "scheduler_connector": scheduler_flows.FLOWS,
    "quality_bridge": quality_flows.FLOWS,
}


def parse_tool(reader):
    return {"tool": reader}


def render_tool(payload, envelope):
    return payload


def entry(**changes):
    """A new inbound flow, declared as a domain addon does."""
    return {
        "code": "mes.tool.changed",
        "label": "MES: tool changed",
        "direction": "inbound",
        "schema_dir": mes_flows.SCHEMA_DIR,
        "model": "mrp.workcenter",
        "handler": "_mes_receive_tool_changed",
        **changes,
    }


def test_an_entry_becomes_a_frozen_declaration_with_defaults():
    declared = flow_declaration.declare([entry()])
    flow = declared["mes.tool.changed"]
    assert (flow.direction, flow.model, flow.handler) == (
        "inbound",
        "mrp.workcenter",
        "_mes_receive_tool_changed",
    )
    assert (flow.ordered, flow.channel, flow.formats, flow.pull) == (
        False,
        None,
        (),
        None,
    )
    assert not flow.accepts_xml
    with pytest.raises(AttributeError):
        flow.ordered = True
    with pytest.raises(TypeError):
        declared["other"] = flow


def test_wire_formats_and_pull_are_read_from_the_entry():
    flow = flow_declaration.declare(
        [
            entry(
                formats=[
                    {
                        "code": "b2mml",
                        "label": "B2MML",
                        "namespace": "urn:x",
                        "parser": parse_tool,
                    }
                ],
                pull={"protocol": "odata", "time_field": "T", "id_field": "I"},
                ordered=True,
                channel="root.mfg.ordered",
            )
        ]
    )["mes.tool.changed"]
    wire = flow.wire_format("b2mml")
    assert (wire.label, wire.namespace, wire.parser) == ("B2MML", "urn:x", parse_tool)
    assert flow.wire_format("qif") is None
    assert flow.wire_format("json") is None
    assert flow.accepts_xml
    assert flow.pull["time_field"] == "T"
    assert (flow.ordered, flow.channel) == (True, "root.mfg.ordered")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"direction": "sideways"}, "direction must be one of"),
        ({"schema_dir": "/nowhere/at/all"}, "is not a folder"),
        ({"handler": None}, "names its handler's model and method"),
        ({"model": None}, "names its handler's model and method"),
        ({"direction": "outbound"}, "an outbound flow has no handler"),
        ({"handeler": "_x"}, "unexpected keyword argument 'handeler'"),
        (
            {"formats": [{"code": "b2mml", "label": "B", "renderer": render_tool}]},
            "has a parser or json_parser, and no renderer",
        ),
        (
            {"formats": [{"code": "json", "label": "J", "parser": parse_tool}]},
            "'json' is canonical JSON",
        ),
        (
            {"formats": [{"code": "b2mml", "parser": parse_tool}]},
            "missing 1 required positional argument: 'label'",
        ),
        (
            {
                "formats": [
                    {"code": "b2mml", "label": "B", "parser": parse_tool},
                    {"code": "b2mml", "label": "B", "json_parser": parse_tool},
                ]
            },
            "a wire format twice",
        ),
    ],
)
def test_a_wrong_entry_is_refused_with_its_reason(changes, message):
    with pytest.raises(DeclarationError, match=message) as caught:
        flow_declaration.declare([entry(**changes)])
    assert "mes.tool.changed" in str(caught.value)


def test_an_outbound_format_renders_and_never_parses():
    outbound = {"direction": "outbound", "model": None, "handler": None}
    flow_declaration.declare(
        [
            entry(
                **outbound,
                formats=[{"code": "b", "label": "B", "renderer": render_tool}],
            )
        ]
    )
    with pytest.raises(DeclarationError, match="has a renderer, and no parser"):
        flow_declaration.declare(
            [
                entry(
                    **outbound,
                    formats=[{"code": "b", "label": "B", "parser": parse_tool}],
                )
            ]
        )


def test_a_code_has_one_declaration():
    with pytest.raises(DeclarationError, match="declared twice"):
        flow_declaration.declare([entry(), entry(label="again")])
    mine = flow_declaration.declare([entry()])
    theirs = flow_declaration.declare([entry(label="MES: tool swapped")])
    assert flow_declaration.merge([mine, mine]) == mine
    with pytest.raises(DeclarationError, match="declared by two addons"):
        flow_declaration.merge([mine, theirs])


def test_selections_come_from_the_declarations():
    declared = flow_declaration.declare(
        [
            entry(formats=[{"code": "b2mml", "label": "B2MML", "parser": parse_tool}]),
            entry(
                code="mes.tool.worn",
                label="MES: tool worn",
                formats=[{"code": "b2mml", "label": "B2MML", "parser": parse_tool}],
            ),
        ]
    )
    assert flow_declaration.code_selection(declared) == [
        ("mes.tool.changed", "MES: tool changed"),
        ("mes.tool.worn", "MES: tool worn"),
    ]
    assert flow_declaration.format_selection(declared) == [("b2mml", "B2MML")]
    clash = flow_declaration.declare(
        [
            entry(formats=[{"code": "b2mml", "label": "B2MML", "parser": parse_tool}]),
            entry(
                code="mes.tool.worn",
                formats=[{"code": "b2mml", "label": "ISA-95", "parser": parse_tool}],
            ),
        ]
    )
    with pytest.raises(DeclarationError, match="has two labels"):
        flow_declaration.format_selection(clash)


@pytest.mark.parametrize("addon", sorted(ADDON_FLOWS))
def test_every_addon_declares_its_flows_once(addon):
    declared = flow_declaration.declare(ADDON_FLOWS[addon])
    assert declared
    for flow in declared.values():
        # one JSON Schema per flow, beside the declaration
        assert flow.code in {
            name.rsplit(".v", 1)[0] for name in os.listdir(flow.schema_dir)
        }, flow.code
        if flow.direction == "inbound":
            assert flow.handler.startswith("_"), "handlers are private methods"


def test_the_addons_declare_disjoint_codes_and_one_label_per_format():
    merged = flow_declaration.merge(
        flow_declaration.declare(entries) for entries in ADDON_FLOWS.values()
    )
    assert len(merged) == sum(len(entries) for entries in ADDON_FLOWS.values())
    assert dict(flow_declaration.format_selection(merged)) == {
        "odata": "OData entities (part / BOM services)",
        "b2mml": "B2MML (ISA-95, MESA V0700)",
        "qif": "QIF 3.0 Results",
    }

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The plant's state as a user sees it in Odoo, read through the external API,
with run-specific names (MOs, lots, dates) replaced by the scenario's keys."""

import re
from collections import Counter

from simulators import scenario

SETTLED = {"done", "failed", "dead", "duplicate"}


def _normalizer(plant):
    names = {name: key for key, name in plant.orders.items()}
    lots = {scenario.finished_lot(name): f"lot:{key}" for name, key in names.items()}

    def norm(value):
        if not value:
            return value
        return lots.get(value) or names.get(value) or value

    return norm


def plant_messages(plant):
    """The plant connectors' messages, each with its flow's ``code``."""
    ids = [c["id"] for c in plant.connectors.values()]
    codes = {
        flow["id"]: flow["code"]
        for flow in plant.rpc.search_read(
            "mfg.flow",
            [("connector_id", "in", ids)],
            ["code"],
            context={"active_test": False},
        )
    }
    messages = plant.rpc.search_read(
        "mfg.sync.message",
        [("connector_id", "in", ids)],
        [
            "direction",
            "connector_id",
            "flow_id",
            "state",
            "idempotency_key",
            "res_model",
            "res_id",
            "error_text",
            "ordering_key",
            "sequence",
        ],
        order="id",
    )
    for message in messages:
        message["code"] = codes.get(message["flow_id"] and message["flow_id"][0])
    return messages


def exception_activities(plant):
    type_id = plant.rpc.ref(
        "mfg_integration_base.mail_activity_type_integration_exception"
    )
    return plant.rpc.search_read(
        "mail.activity",
        [("activity_type_id", "=", type_id)],
        ["res_model", "res_id", "summary", "note", "user_id"],
    )


def plant_state(plant):
    rpc, norm = plant.rpc, _normalizer(plant)
    state = {}
    mos = rpc.search_read(
        "mrp.production",
        [("name", "in", list(plant.orders.values()))],
        ["name", "state", "qty_produced", "lot_producing_id", "bom_id"],
    )
    by_id = {mo["id"]: mo["name"] for mo in mos}
    boms = {
        bom["id"]: bom
        for bom in rpc.search_read(
            "mrp.bom",
            [("product_tmpl_id", "=", plant.master["pump_template"])],
            ["plm_revision", "active", "bom_line_ids"],
            context={"active_test": False},
        )
    }
    state["orders"] = {
        norm(mo["name"]): (
            mo["state"],
            mo["qty_produced"],
            norm(mo["lot_producing_id"] and mo["lot_producing_id"][1]),
            boms[mo["bom_id"][0]]["plm_revision"],
        )
        for mo in mos
    }
    state["boms"] = sorted(
        (
            bom["plm_revision"],
            bom["active"],
            tuple(
                sorted(
                    (
                        line["product_id"][1].split("]")[0].strip("["),
                        line["product_qty"],
                    )
                    for line in rpc.search_read(
                        "mrp.bom.line",
                        [("id", "in", bom["bom_line_ids"])],
                        ["product_id", "product_qty"],
                    )
                )
            ),
        )
        for bom in boms.values()
    )
    quants = rpc.search_read(
        "stock.quant",
        [
            ("product_id.default_code", "in", list(scenario.PRODUCTS)),
            ("location_id.usage", "in", ["internal", "inventory", "production"]),
        ],
        ["product_id", "lot_id", "location_id", "quantity"],
    )
    stock = Counter()
    for quant in quants:
        key = (
            quant["product_id"][1].split("]")[0].strip("["),
            norm(quant["lot_id"] and quant["lot_id"][1]) or "",
            quant["location_id"][1],
        )
        stock[key] += quant["quantity"]
    state["stock"] = {key: round(qty, 3) for key, qty in stock.items() if round(qty, 3)}
    state["nonconformances"] = sorted(
        (
            nc["state"],
            nc["quantity"],
            nc["quantity_dispositioned"],
            norm(nc["production_id"] and nc["production_id"][1]),
            norm(nc["lot_id"] and nc["lot_id"][1]),
        )
        for nc in rpc.search_read(
            "mfg.quality.nonconformance",
            [("connector_id.code", "=", "plant-qms")],
            ["state", "quantity", "quantity_dispositioned", "production_id", "lot_id"],
        )
    )
    schedules = rpc.search_read(
        "mfg.scheduler.schedule",
        [("connector_id.code", "=", "plant-aps")],
        ["version"],
        order="version desc, id desc",
        limit=1,
    )
    latest_schedule = schedules[0]["id"] if schedules else False
    state["schedule_lines"] = sorted(
        (norm(line["mo_ref"]), line["workorder_ref"], line["outcome"])
        for line in rpc.search_read(
            "mfg.scheduler.schedule.line",
            # the last schedule (Odoo's snapshot cron may have asked for one
            # more); the scheduler plans every open MO, the scenario's count
            [
                ("schedule_id", "=", latest_schedule),
                ("mo_ref", "in", list(plant.orders.values())),
            ],
            ["mo_ref", "workorder_ref", "outcome"],
        )
    )
    state["maintenance_requests"] = sorted(
        request["equipment_id"][1]
        for request in rpc.search_read(
            "maintenance.request",
            [("equipment_id.serial_no", "=", scenario.EQUIPMENT[1])],
            ["equipment_id"],
        )
    )
    messages = plant_messages(plant)
    state["messages"] = Counter(
        (m["direction"], m["code"], m["state"])
        for m in messages
        # Odoo's snapshot cron may add a snapshot and its schedule at a time of
        # its own: those flows are checked message by message, not counted here
        if m["state"] != "duplicate" and not (m["code"] or "").startswith("scheduler.")
    )
    state["activities"] = sorted(
        (
            a["res_model"],
            # the demo data's own MOs can be in a published schedule too (a
            # demo MO starting within the frozen window gets its refusal)
            norm(by_id.get(a["res_id"], "other MO"))
            if a["res_model"] == "mrp.production"
            else a["res_model"],
            # the scheduler may publish again after a restart (Odoo's snapshot
            # cron fires on start-up): the refusal's activity is updated with
            # the newer schedule version, which is the same outcome
            re.sub(r"^(Schedule \S+) v\d+:", r"\1 v*:", a["summary"] or ""),
        )
        for a in exception_activities(plant)
        # alerts on a connector (backlog, failure rate) are about the run itself,
        # an outage included, not about the plant's records
        if a["res_model"] != "mfg.connector"
    )
    return state


def assert_every_message_accounted_for(plant):
    """Every webhook a simulator sent (answered 2xx) is one message, done or
    failed with an activity; every outbound message was delivered once."""
    messages = plant_messages(plant)
    activities = exception_activities(plant)
    with_activity = {(a["res_model"], a["res_id"]) for a in activities}
    for kind, system in plant.systems.items():
        connector_id = plant.connectors[kind]["id"]
        mine = [m for m in messages if m["connector_id"][0] == connector_id]
        inbound = [m for m in mine if m["direction"] == "inbound"]
        outbound = [m for m in mine if m["direction"] == "outbound"]
        # every webhook the simulator sent, and every record Odoo pulled from it
        # (idempotency key pull:<ID>@<ModifiedOn>), is one message, never lost
        # nor doubled
        sent_ids = {s["webhook_id"] for s in system.sent}
        sent_ids |= {
            f"pull:{part['ID']}@{part['ModifiedOn']}"
            for part in getattr(system, "parts", [])
        }
        assert all(s["status"] in (200, 202) for s in system.sent), system.sent
        originals = [m for m in inbound if m["state"] != "duplicate"]
        assert sorted(m["idempotency_key"] for m in originals) == sorted(sent_ids), kind
        # copies (same webhook id) were answered, recorded as duplicates
        copies = len(system.sent) - len({s["webhook_id"] for s in system.sent})
        assert len(inbound) - len(originals) >= copies, kind
        for message in originals:
            assert message["state"] in ("done", "failed"), message
            if message["state"] == "failed":
                record = (message["res_model"], message["res_id"])
                assert record in with_activity or (
                    ("mfg.sync.message", message["id"]) in with_activity
                ), message
        # every outbound message was delivered once to the simulator
        undelivered = [
            (m["code"], m["state"], m["error_text"])
            for m in outbound
            if m["state"] != "done"
        ]
        assert not undelivered, (kind, undelivered)
        received = sorted(r["idempotency_key"] for r in system.received)
        assert received == sorted(m["idempotency_key"] for m in outbound), kind
        assert not system.rejected and not system.errors, (kind, system.state())
    assert {m["state"] for m in messages} <= SETTLED

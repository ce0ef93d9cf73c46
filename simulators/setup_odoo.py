# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Set up a running Odoo for the demo plant, through its external API as admin:
master data (work centers, products, lots, stock, BOM revision A, a press),
one technical user per connector with just the groups its flows need, and the
four connectors (PLM, MES, scheduler, QMS) pointing at the simulators, with
fresh signing secrets shared with them. Safe to run again."""

import logging

from . import scenario, signing

_logger = logging.getLogger("simulators.setup")

BASE_GROUPS = [
    "base.group_user",
    "mfg_integration_base.mfg_integration_base_group_technical",
]


def _find(rpc, model, domain, **kwargs):
    ids = rpc.call(model, "search", domain, limit=1, **kwargs)
    return ids[0] if ids else None


def _ensure(rpc, model, domain, vals, context=None):
    found = _find(rpc, model, domain, context={"active_test": False})
    if found:
        return found, False
    return rpc.call(model, "create", vals, context=context or {}), True


def setup_master_data(rpc):
    """Work centers, products with stock, BOM revision A, equipment. -> ids"""
    ids = {"workcenters": {}, "products": {}}
    for code, name in scenario.WORKCENTERS:
        ids["workcenters"][code], _new = _ensure(
            rpc, "mrp.workcenter", [("code", "=", code)], {"name": name, "code": code}
        )
    stock_location = rpc.search_read(
        "stock.warehouse",
        [
            (
                "company_id",
                "=",
                rpc.call("res.users", "read", [rpc.uid], ["company_id"])[0][
                    "company_id"
                ][0],
            )
        ],
        ["lot_stock_id"],
        limit=1,
    )[0]["lot_stock_id"][0]
    ids["stock_location"] = stock_location
    for code, (name, tracking, qty, lot_name) in scenario.PRODUCTS.items():
        vals = {
            "name": name,
            "default_code": code,
            "type": "consu",
            "is_storable": True,
            "tracking": tracking,
        }
        if code == scenario.FINISHED:
            vals.update(
                mfg_inspection_required=True, plm_part_number=code, plm_revision="A"
            )
        product_id, new = _ensure(
            rpc, "product.product", [("default_code", "=", code)], vals
        )
        ids["products"][code] = product_id
        if not new or not qty:
            continue
        lot_id = False
        if lot_name:
            lot_id = rpc.call(
                "stock.lot", "create", {"name": lot_name, "product_id": product_id}
            )
        quant = rpc.call(
            "stock.quant",
            "create",
            {
                "product_id": product_id,
                "location_id": stock_location,
                "lot_id": lot_id,
                "inventory_quantity": qty,
            },
            context={"inventory_mode": True},
        )
        rpc.call("stock.quant", "action_apply_inventory", [quant])
    pump = rpc.search_read(
        "product.product",
        [("id", "=", ids["products"][scenario.FINISHED])],
        ["product_tmpl_id"],
    )[0]["product_tmpl_id"][0]
    ids["pump_template"] = pump
    if not _find(
        rpc, "mrp.bom", [("product_tmpl_id", "=", pump)], context={"active_test": False}
    ):
        rpc.call(
            "mrp.bom",
            "create",
            {
                "product_tmpl_id": pump,
                "code": f"{scenario.FINISHED} rev. A",
                "plm_revision": "A",
                "consumption": "flexible",
                "operation_ids": [
                    (
                        0,
                        0,
                        {
                            "name": name,
                            "plm_ref": ref,
                            "sequence": 10 * (i + 1),
                            "workcenter_id": ids["workcenters"][wc],
                            "time_cycle_manual": minutes,
                        },
                    )
                    for i, (ref, wc, name, minutes) in enumerate(
                        scenario.BOM_A_OPERATIONS
                    )
                ],
                "bom_line_ids": [
                    (0, 0, {"product_id": ids["products"][code], "product_qty": qty})
                    for code, qty in scenario.BOM_A_LINES
                ],
            },
        )
    name, serial, workcenter = scenario.EQUIPMENT
    ids["equipment"], _new = _ensure(
        rpc,
        "maintenance.equipment",
        [("serial_no", "=", serial)],
        {
            "name": name,
            "serial_no": serial,
            "mfg_workcenter_id": ids["workcenters"][workcenter],
        },
    )
    return ids


def _technical_user(rpc, kind):
    login = f"plant_{kind}_bot"
    groups = [rpc.ref(xmlid) for xmlid in BASE_GROUPS + scenario.TECH_GROUPS[kind]]
    user_id, new = _ensure(
        rpc,
        "res.users",
        [("login", "=", login)],
        {
            "name": f"Plant {kind.upper()} bot",
            "login": login,
            "groups_id": [(6, 0, groups)],
        },
    )
    if not new:
        rpc.call("res.users", "write", [user_id], {"groups_id": [(6, 0, groups)]})
    return user_id


def _kind_settings(kind, admin_id):
    if kind == "plm":
        return {"plm_auto_approve": True}
    if kind == "mes":
        return {
            "mes_release_trigger": "confirm",
            "mes_auto_done": True,
            "mes_create_finished_lots": True,
        }
    if kind == "scheduler":
        return {
            "scheduler_horizon_days": 14,
            "scheduler_frozen_hours": scenario.FROZEN_HOURS,
        }
    if kind == "quality":
        return {
            "quality_planner_user_id": admin_id,
            "quality_procurement_user_id": admin_id,
        }
    return {}


def setup_connectors(rpc, base_urls, before_activate=None):
    """The four connectors, active, pointing at ``base_urls[kind]``.
    ``before_activate(kind, connector)`` runs before each connector is activated:
    once active, Odoo may send at once (the scheduler's snapshot cron), so the
    system must already know its secrets.

    -> {kind: {"id", "code", "inbound_secret", "outbound_secret"}}"""
    admin_id = rpc.uid
    result = {}
    for kind, (code, name) in scenario.CONNECTORS.items():
        inbound, outbound = signing.new_secret(), signing.new_secret()
        vals = {
            "name": name,
            "code": code,
            "kind": kind,
            "base_url": base_urls[kind],
            "auth_type": "signature",
            "inbound_secret": inbound,
            "outbound_secret": outbound,
            "technical_user_id": _technical_user(rpc, kind),
            "responsible_user_id": admin_id,
            "backoff_base": 5,
            **_kind_settings(kind, admin_id),
        }
        connector_id = _find(
            rpc, "mfg.connector", [("code", "=", code)], context={"active_test": False}
        )
        if connector_id:
            rpc.call("mfg.connector", "write", [connector_id], dict(vals, active=True))
        else:
            connector_id = rpc.call("mfg.connector", "create", vals)
        existing = {
            flow["code"]
            for flow in rpc.search_read(
                "mfg.flow",
                [("connector_id", "=", connector_id)],
                ["code"],
                context={"active_test": False},
            )
        }
        for flow_code in scenario.FLOWS[kind]:
            if flow_code not in existing:
                rpc.call(
                    "mfg.flow",
                    "create",
                    {"connector_id": connector_id, "code": flow_code},
                )
        for flow in rpc.search_read(
            "mfg.flow", [("connector_id", "=", connector_id)], ["code"]
        ):
            # the wire format and transport of each flow (B2MML, QIF, OData pull)
            if flow["code"] in scenario.FLOW_SETTINGS:
                rpc.call(
                    "mfg.flow",
                    "write",
                    [flow["id"]],
                    scenario.FLOW_SETTINGS[flow["code"]],
                )
        result[kind] = {
            "id": connector_id,
            "code": code,
            "inbound_secret": inbound,
            "outbound_secret": outbound,
        }
        if before_activate:
            before_activate(kind, result[kind])
        rpc.call("mfg.connector", "action_activate", [connector_id])
        _logger.info("connector %s -> %s", code, base_urls[kind])
    return result

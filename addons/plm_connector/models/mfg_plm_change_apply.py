# mfg.plm.change, split: applying a change to products, BOMs (mfg_plm_change.py < 600)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Applying an approved engineering change: products, BOMs with their
operations, archiving the superseded BOM, activities on open MOs."""

from markupsafe import Markup

from odoo import Command, fields, models

from odoo.addons.mfg_integration_base.exceptions import (
    MfgConflictError,
    MfgValidationError,
)

from ..core import revision as revision_lib
from ..core import validation

PRODUCT_TYPES = {
    "storable": {"type": "consu", "is_storable": True},
    "consumable": {"type": "consu", "is_storable": False},
    "service": {"type": "service", "is_storable": False},
}
OPEN_MO_STATES = ("draft", "confirmed", "progress", "to_close")


class MfgPlmChange(models.Model):
    _inherit = "mfg.plm.change"

    def _plm_apply(self, revalidate=True):
        """Apply in the caller's transaction; raise MfgConflictError or
        MfgValidationError (with the problems as ``details``; and let the
        caller's savepoint undo everything) when it cannot be applied whole.
        The master data may have changed since validation: it is checked again
        unless ``revalidate`` is False (validated in this same transaction)."""
        self.ensure_one()
        if self.state != "approved":
            raise MfgConflictError(
                self.env._("Change %s is not approved.", self.name), record=self
            )
        if self.release_type == "change":
            # Not while a job stages a release of this number: the ECO must
            # see all of them (mfg_plm_change_link.py).
            self._plm_serialize_change_number(self.connector_id, self.change_number)
        if self._plm_supersede_if_older():
            return
        problems = self._plm_collect_problems() if revalidate else []
        if problems:
            raise MfgValidationError(
                self.env._(
                    "Change %(name)s no longer passes validation: %(problem)s",
                    name=self.name,
                    problem=problems[0]["message"],
                ),
                record=self,
                details=problems,
            )
        appliers = {
            "item": self._plm_apply_item,
            "bom": self._plm_apply_bom,
            "change": self._plm_apply_eco,
        }
        appliers[self.release_type]()
        self.sudo().write({"state": "applied", "applied_date": fields.Datetime.now()})
        self.sudo().problem_ids.unlink()
        self.env["mail.activity"]._mfg_close_exception(
            self.sudo(), self._plm_exception_key()
        )
        self._plm_supersede_older_pending()

    def _plm_supersede_older_pending(self):
        if self.release_type == "change" or not self.revision:
            return
        pending = self.sudo().search(
            [
                ("connector_id", "=", self.connector_id.id),
                ("release_type", "=", self.release_type),
                ("part_number", "=", self.part_number),
                ("state", "in", ("received", "validated", "to_approve", "approved")),
                ("id", "!=", self.id),
            ]
        )
        for change in pending:
            if revision_lib.is_older(change.revision, self.revision):
                change._plm_mark_superseded(
                    self.env._(
                        "Superseded by %(name)s (revision %(rev)s), applied before it.",
                        name=self.name,
                        rev=self.revision,
                    ),
                    by=self,
                )

    # --------------------------------------------------------------- items
    def _plm_prepare_product_vals(self, item, create):
        vals = {"plm_revision": item.get("revision")}
        if item.get("name"):
            vals["name"] = item["name"]
        if "description" in item:
            vals["description"] = item["description"]
        unit = self._plm_unit(item.get("unit"))
        if unit:
            vals.update({"uom_id": unit.id, "uom_po_id": unit.id})
        if item.get("product_type"):
            vals.update(PRODUCT_TYPES[item["product_type"]])
        if "weight" in item:
            vals["weight"] = item["weight"]
        if item.get("lifecycle_state"):
            vals["plm_lifecycle_state"] = item["lifecycle_state"]
        if "attributes" in item:
            vals["plm_attributes"] = "\n".join(
                f"{a['name']}: {a.get('value', '')}" for a in item["attributes"]
            )
        if "manufacturers" in item:
            vals["plm_manufacturer_part_ids"] = [Command.clear()] + [
                Command.create(
                    {
                        "manufacturer_name": m["name"],
                        "manufacturer_part_number": m["part_number"],
                    }
                )
                for m in item["manufacturers"]
            ]
        if create:
            vals.update({"default_code": item["part_number"], "company_id": False})
            vals.setdefault("name", item["part_number"])
        return vals

    def _plm_upsert_items(self, items, create_only=False):
        """Create the items Odoo does not know (and update the others unless
        ``create_only``); bind each to its part number. {part: template}."""
        if not items:
            return {}
        connector = self.connector_id
        resolved = self._plm_resolve_parts([item["part_number"] for item in items])
        templates = self.env["product.template"]
        result = {}
        for item in items:
            part = item["part_number"]
            template = resolved.get(part)
            if template and create_only:
                result[part] = template
                continue
            if template:
                template.write(self._plm_prepare_product_vals(item, create=False))
            else:
                template = templates.create(
                    self._plm_prepare_product_vals(item, create=True)
                )
            connector._mfg_bind(
                template, part, revision=item.get("revision"), payload=item
            )
            result[part] = template
        return result

    def _plm_apply_item(self):
        template = self._plm_upsert_items([self.payload])[self.part_number]
        self.sudo().product_tmpl_id = template

    # ---------------------------------------------------------------- BOMs
    def _plm_bom_code(self, bom):
        return self.env._(
            "%(part)s rev. %(rev)s (%(change)s)",
            part=bom["part_number"],
            rev=bom["revision"],
            change=self.change_number,
        )

    def _plm_prepare_operation_vals(self, operation, workcenters):
        vals = {
            "name": operation["name"],
            "workcenter_id": workcenters[operation["workcenter_code"]].id,
            "sequence": operation.get("sequence") or 0,
            "time_mode": "manual",
            "time_cycle_manual": operation.get("run_time") or 0.0,
            "plm_setup_time": operation.get("setup_time") or 0.0,
            "plm_ref": validation.operation_ref(operation),
        }
        if operation.get("instructions"):
            vals["note"] = Markup("<p>%s</p>") % operation["instructions"]
        return vals

    def _plm_apply_bom(self):
        payload = self.payload
        company = self.connector_id.company_id
        self._plm_upsert_items(payload.get("items") or [], create_only=True)
        boms = validation.released_boms(payload)
        parts = {bom["part_number"] for bom in boms}
        parts.update(str(line["component"]) for bom in boms for line in bom["lines"])
        resolved = self._plm_resolve_parts(parts)
        workcenters = self._plm_workcenters()
        parents = self.env["product.template"].union(
            *(resolved[b["part_number"]] for b in boms)
        )
        previous = self.env["mrp.bom"].search(
            [
                ("product_tmpl_id", "in", parents.ids),
                ("company_id", "in", (False, company.id)),
            ]
        )
        units = {}
        new_boms = self.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": resolved[bom["part_number"]].id,
                    "product_qty": 1.0,
                    "product_uom_id": resolved[bom["part_number"]].uom_id.id,
                    "code": self._plm_bom_code(bom),
                    "type": "normal",
                    "company_id": company.id,
                    "plm_revision": bom["revision"],
                    "plm_change_id": self.id,
                    "operation_ids": [
                        Command.create(
                            self._plm_prepare_operation_vals(op, workcenters)
                        )
                        for op in bom["operations"]
                    ],
                }
                for bom in boms
            ]
        )
        line_vals = []
        for bom, new_bom in zip(boms, new_boms, strict=True):
            operations = {op.plm_ref: op.id for op in new_bom.operation_ids}
            for sequence, line in enumerate(bom["lines"], start=1):
                component = resolved[str(line["component"])]
                unit_name = line.get("unit")
                if unit_name and unit_name not in units:
                    units[unit_name] = self._plm_unit(unit_name)
                line_vals.append(
                    {
                        "bom_id": new_bom.id,
                        "product_id": component.product_variant_id.id,
                        "product_qty": line["quantity"],
                        "product_uom_id": (
                            units[unit_name] if unit_name else component.uom_id
                        ).id,
                        "sequence": sequence,
                        "plm_find_number": line.get("find_number"),
                        "operation_id": operations.get(line.get("operation_ref"))
                        or False,
                    }
                )
        self.env["mrp.bom.line"].create(line_vals)
        self._plm_notify_open_productions(previous, new_boms)
        if previous:
            previous.action_archive()
        for bom in boms:
            template = resolved[bom["part_number"]]
            template.plm_revision = bom["revision"]
            self.connector_id._mfg_bind(
                template, bom["part_number"], revision=bom["revision"]
            )
        self.sudo().write(
            {
                "bom_ids": [Command.set(new_boms.ids)],
                "product_tmpl_id": resolved[self.part_number].id,
            }
        )

    def _plm_notify_open_productions(self, previous, new_boms):
        """Open MOs on a superseded BOM are left as they are; each gets a to-do
        for its planner (the MO's responsible, else the connector's)."""
        if not previous:
            return
        new_by_template = {bom.product_tmpl_id.id: bom for bom in new_boms}
        productions = self.env["mrp.production"].search(
            [("bom_id", "in", previous.ids), ("state", "in", OPEN_MO_STATES)]
        )
        for production in productions:
            new_bom = new_by_template.get(production.bom_id.product_tmpl_id.id)
            summary = self.env._(
                "%(change)s: BOM revision %(rev)s released",
                change=self.change_number or self.name,
                rev=new_bom.plm_revision,
            )
            note = Markup("<p>%s</p>") % self.env._(
                "Engineering change %(change)s (%(name)s) replaces BOM %(old)s "
                "with %(new)s "
                "(revision %(rev)s). This order keeps its components and operations: "
                "decide whether to finish it as is, or to cancel and re-plan it.",
                change=self.change_number or "-",
                name=self.name,
                old=production.bom_id.display_name,
                new=new_bom.display_name,
                rev=new_bom.plm_revision,
            )
            if self.parent_id.disposition_wip:
                note += Markup("<p>%s</p>") % self.env._(
                    "Disposition of work in progress: %s",
                    dict(
                        self.parent_id._fields[
                            "disposition_wip"
                        ]._description_selection(self.env)
                    )[self.parent_id.disposition_wip],
                )
            # The planner's to-do is written whatever the technical user's
            # rights on manufacturing orders: it changes nothing on the order.
            self.env["mail.activity"]._mfg_schedule_todo(
                production, summary, self._plm_responsible(production), note=note
            )

    # ----------------------------------------------------------------- ECO
    def _plm_apply_eco(self):
        """Apply the ECO with all its pending releases (all or nothing), and
        tell the affected products. Never applied while one of them is not."""
        self._plm_link_releases()
        self._plm_approve_waiting_releases()
        for release in self._plm_pending_releases().sorted("id"):
            if release.state != "approved":
                raise MfgConflictError(
                    self.env._(
                        "Release %(release)s (%(part)s revision %(rev)s) of this "
                        "change is %(state)s: fix its problems and validate it, or "
                        "reject it; the change is applied with it.",
                        release=release.name,
                        part=release.part_number,
                        rev=release.revision or "-",
                        state=dict(
                            release._fields["state"]._description_selection(self.env)
                        )[release.state],
                    ),
                    record=self,
                )
            if not release._plm_is_due():
                raise MfgConflictError(
                    self.env._(
                        "Release %(release)s of this change takes effect on "
                        "%(date)s only.",
                        release=release.name,
                        date=release.effectivity_date,
                    ),
                    record=self,
                )
            release._plm_apply()
        body = Markup("<p>%s</p>") % self.env._(
            "Engineering change %(number)s applied: %(title)s",
            number=self.change_number,
            title=self.title or "",
        )
        for item in self.item_ids.filtered("product_tmpl_id"):
            item.product_tmpl_id._mfg_note(body)

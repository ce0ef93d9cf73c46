# mfg.plm.change, split: validation and BOM diff (keeps mfg_plm_change.py under 600)
# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Validation and BOM diff of an engineering change: Odoo gathers the facts in
a few batched queries, ``core`` decides."""

from odoo import models

from ..core import bom_diff, validation
from ..core.bom_diff import operation_ref


class MfgPlmChange(models.Model):
    _inherit = "mfg.plm.change"

    # ------------------------------------------------------------ lookups
    def _plm_resolve_parts(self, part_numbers):
        """{part number: product.template} for the parts Odoo knows: bound to
        the part number in this connector, else with that internal reference."""
        self.ensure_one()
        part_numbers = {str(p) for p in part_numbers if p}
        if not part_numbers:
            return {}
        # Bindings are integration records, read without the user's rights.
        bindings = (
            self.env["mfg.external.id"]
            .sudo()
            .search_read(
                [
                    ("connector_id", "=", self.connector_id.id),
                    ("model", "=", "product.template"),
                    ("external_id", "in", list(part_numbers)),
                ],
                ["external_id", "res_id"],
            )
        )
        templates = self.env["product.template"].with_context(active_test=False)
        by_id = {b["res_id"]: b["external_id"] for b in bindings}
        result = {}
        for template in templates.browse(list(by_id)).exists():
            result[by_id[template.id]] = template
        missing = part_numbers - set(result)
        if missing:
            company = self.connector_id.company_id
            for template in templates.search(
                [
                    ("default_code", "in", list(missing)),
                    ("company_id", "in", (False, company.id)),
                ]
            ):
                result.setdefault(template.default_code, template)
        return result

    def _plm_part_numbers_of(self, templates):
        """{template id: part number} (binding, else internal reference, else name)."""
        self.ensure_one()
        bindings = (
            self.env["mfg.external.id"]
            .sudo()
            .search_read(
                [
                    ("connector_id", "=", self.connector_id.id),
                    ("model", "=", "product.template"),
                    ("res_id", "in", templates.ids),
                ],
                ["external_id", "res_id"],
            )
        )
        result = {b["res_id"]: b["external_id"] for b in bindings}
        for template in templates:
            result.setdefault(template.id, template.default_code or template.name)
        return result

    def _plm_units(self):
        """{unit name: category id}, English and the user's language."""
        units = {}
        uoms = self.env["uom.uom"].search([])
        for uom in uoms.with_context(lang="en_US"):
            units[uom.name] = uom.category_id.id
        for uom in uoms:
            units.setdefault(uom.name, uom.category_id.id)
        return units

    def _plm_unit(self, name):
        """The Odoo unit of that name (after the connector's value map)."""
        if not name:
            return self.env["uom.uom"]
        uom = self.env["uom.uom"].search([("name", "=", name)], limit=1)
        return uom or self.env["uom.uom"].with_context(lang="en_US").search(
            [("name", "=", name)], limit=1
        )

    def _plm_workcenters(self):
        """{code: work center} of the connector's company."""
        company = self.connector_id.company_id
        workcenters = self.env["mrp.workcenter"].search(
            [("code", "!=", False), ("company_id", "in", (False, company.id))]
        )
        return {wc.code: wc for wc in workcenters}

    def _plm_current_boms(self, templates):
        """{template id: the BOM in effect} (active, first by sequence)."""
        company = self.connector_id.company_id
        boms = self.env["mrp.bom"].search(
            [
                ("product_tmpl_id", "in", templates.ids),
                ("type", "=", "normal"),
                ("company_id", "in", (False, company.id)),
            ],
            order="sequence, id",
        )
        result = {}
        for bom in boms:
            result.setdefault(bom.product_tmpl_id.id, bom)
        return result

    def _plm_existing_graph(self, resolved, released_parents):
        """{part: [components]} of the BOMs in effect below the released
        components (the BOMs the release replaces are left out)."""
        node_of = {template.id: part for part, template in resolved.items()}
        frontier = {t.id for p, t in resolved.items() if p not in released_parents}
        replaced = {resolved[p].id for p in released_parents if p in resolved}
        seen = set(frontier) | replaced
        graph = {}
        self.env["mrp.bom"].flush_model(["active", "product_tmpl_id", "company_id"])
        self.env["mrp.bom.line"].flush_model(["bom_id", "product_tmpl_id"])
        company = self.connector_id.company_id
        while frontier:
            self.env.cr.execute(
                """
                SELECT b.product_tmpl_id, l.product_tmpl_id
                  FROM mrp_bom_line l JOIN mrp_bom b ON b.id = l.bom_id
                 WHERE b.active AND b.product_tmpl_id = ANY(%s)
                   AND (b.company_id IS NULL OR b.company_id = %s)
                """,
                [list(frontier), company.id],
            )
            rows = self.env.cr.fetchall()
            new = {child for _parent, child in rows} - seen
            seen |= new
            for template in self.env["product.template"].browse(list(new)):
                node_of.setdefault(
                    template.id,
                    f"{template.default_code or template.name} (#{template.id})",
                )
            for parent, child in rows:
                graph.setdefault(node_of[parent], []).append(node_of[child])
            frontier = new
        return graph

    # ---------------------------------------------------------- validation
    def _plm_collect_problems(self):
        """Problems of this change against Odoo's data now (no write)."""
        self.ensure_one()
        collectors = {
            "item": self._plm_problems_item,
            "bom": self._plm_problems_bom,
            "change": self._plm_problems_eco,
        }
        return collectors[self.release_type]()

    def _plm_problems_item(self):
        payload = self.payload
        units = self._plm_units()
        if payload.get("unit") and payload["unit"] not in units:
            return [
                validation.problem(
                    validation.UNKNOWN_UNIT,
                    self.part_number,
                    self.env._(
                        "Item %(part)s: unit '%(unit)s' does not exist in Odoo",
                        part=self.part_number,
                        unit=payload["unit"],
                    ),
                )
            ]
        return []

    def _plm_problems_bom(self):
        payload = self.payload
        boms = validation.released_boms(payload)
        released_parents = {bom["part_number"] for bom in boms}
        parts = set(released_parents)
        for bom in boms:
            parts.update(str(line["component"]) for line in bom["lines"])
        resolved = self._plm_resolve_parts(parts)
        known = {
            part: template.uom_id.category_id.id for part, template in resolved.items()
        }
        return validation.validate_bom_release(
            payload,
            known,
            self._plm_units(),
            set(self._plm_workcenters()),
            existing_graph=self._plm_existing_graph(resolved, released_parents),
        )

    def _plm_problems_eco(self):
        parts = {item.part_number for item in self.item_ids}
        resolved = self._plm_resolve_parts(parts)
        staged = set(
            self.sudo()
            .search(
                [
                    ("connector_id", "=", self.connector_id.id),
                    ("release_type", "in", ("item", "bom")),
                    ("part_number", "in", list(parts - set(resolved))),
                    ("state", "not in", ("rejected", "superseded")),
                ]
            )
            .mapped("part_number")
        )
        problems = []
        for item in self.item_ids:
            if item.part_number not in resolved and item.part_number not in staged:
                problems.append(
                    validation.problem(
                        validation.UNKNOWN_PART,
                        item.part_number,
                        self.env._(
                            "Affected item %s is neither in Odoo "
                            "nor released by the PLM",
                            item.part_number,
                        ),
                    )
                )
        return problems

    def _plm_write_problems(self, problems):
        self.ensure_one()
        lines = self.env["mfg.plm.change.problem"].sudo()
        self.sudo().problem_ids.unlink()
        lines.create(
            [
                {
                    "change_id": self.id,
                    "code": p["code"],
                    "reference": p.get("reference"),
                    "message": p["message"],
                }
                for p in problems
            ]
        )

    def _plm_validate(self):
        """Write the problems (and the BOM diff); True when there are none:
        the change is then validated. Otherwise it stays received, with an
        exception activity for the connector's responsible."""
        self.ensure_one()
        problems = self._plm_collect_problems()
        self._plm_write_problems(problems)
        if self.release_type == "bom":
            self._plm_compute_diff()
        self._plm_link_products()
        activities = self.env["mail.activity"]
        if problems:
            activities._mfg_upsert_exception(
                self.sudo(),
                self._plm_exception_key(),
                self.env._("Engineering change %s fails validation", self.name),
                self._plm_problems_html([p["message"] for p in problems]),
                self._plm_responsible(),
            )
            return False
        activities._mfg_close_exception(self.sudo(), self._plm_exception_key())
        self.sudo().state = "validated"
        return True

    def _plm_link_products(self):
        if self.release_type == "change":
            resolved = self._plm_resolve_parts(self.item_ids.mapped("part_number"))
            for item in self.item_ids:
                if item.part_number in resolved:
                    item.sudo().product_tmpl_id = resolved[item.part_number]
            return
        template = self._plm_resolve_parts([self.part_number]).get(self.part_number)
        if template:
            self.sudo().product_tmpl_id = template

    # ---------------------------------------------------------------- diff
    def _plm_bom_as_dict(self, bom, part_numbers):
        """An Odoo BOM in the canonical shape of core.bom_diff."""
        return {
            "lines": [
                {
                    "component": part_numbers.get(
                        line.product_tmpl_id.id, line.product_id.display_name
                    ),
                    "quantity": line.product_qty,
                    "unit": line.product_uom_id.with_context(lang="en_US").name,
                    "find_number": line.plm_find_number,
                    "operation_ref": line.operation_id.plm_ref
                    or (str(line.operation_id.sequence) if line.operation_id else None),
                }
                for line in bom.bom_line_ids
            ],
            "operations": [
                {
                    "ref": op.plm_ref or str(op.sequence),
                    "sequence": op.sequence,
                    "workcenter_code": op.workcenter_id.code,
                    "name": op.name,
                    "setup_time": op.plm_setup_time,
                    "run_time": op.time_cycle_manual,
                }
                for op in bom.operation_ids
            ],
        }

    def _plm_compute_diff(self):
        """Diff lines of every released BOM against the BOM in effect."""
        self.ensure_one()
        boms = validation.released_boms(self.payload)
        resolved = self._plm_resolve_parts([bom["part_number"] for bom in boms])
        templates = self.env["product.template"].union(*resolved.values())
        current = self._plm_current_boms(templates)
        components = self.env["product.template"].union(
            *[bom.bom_line_ids.product_tmpl_id for bom in current.values()]
        )
        part_numbers = self._plm_part_numbers_of(components)
        vals_list, summary = [], {}
        for bom in boms:
            template = resolved.get(bom["part_number"])
            old_bom = current.get(template.id) if template else None
            old = self._plm_bom_as_dict(old_bom, part_numbers) if old_bom else None
            new = {
                "lines": bom["lines"],
                "operations": [
                    dict(op, ref=operation_ref(op)) for op in bom["operations"]
                ],
            }
            if old is None:
                # Against no BOM, the diff would be the BOM itself: one line says so.
                summary.setdefault("new BOM", 0)
                summary["new BOM"] += 1
                vals_list.append(
                    self._plm_prepare_new_bom_diff_vals(bom, len(vals_list))
                )
                continue
            for diff in bom_diff.diff_bom(old, new):
                summary.setdefault(diff["change"], 0)
                summary[diff["change"]] += 1
                vals_list.append(
                    self._plm_prepare_diff_vals(
                        bom["part_number"], diff, len(vals_list)
                    )
                )
        self.sudo().diff_ids.unlink()
        self.env["mfg.plm.change.diff"].sudo().create(vals_list)
        root = resolved.get(self.part_number)
        self.sudo().write(
            {
                "previous_bom_id": current[root.id].id
                if root and root.id in current
                else False,
                "diff_summary": ", ".join(
                    f"{count} {change}" for change, count in sorted(summary.items())
                )
                or self.env._("No difference"),
            }
        )

    def _plm_prepare_new_bom_diff_vals(self, bom, sequence):
        description = self.env._(
            "New BOM: %(lines)s component line(s), %(ops)s operation(s)",
            lines=len(bom["lines"]),
            ops=len(bom["operations"]),
        )
        return {
            "change_id": self.id,
            "sequence": sequence,
            "bom_part_number": bom["part_number"],
            "kind": "bom",
            "change_type": "new",
            "key": bom["part_number"],
            "new_value": description,
            "description": description,
        }

    def _plm_prepare_diff_vals(self, parent, diff, sequence):
        def brief(value):
            if not value:
                return False
            if diff["kind"] == bom_diff.COMPONENT:
                quantity = bom_diff.format_value(value.get("quantity"))
                return f"{quantity} {value.get('unit') or ''}".strip()
            return f"{value.get('name')} @ {value.get('workcenter_code')}"

        show = bom_diff.format_value
        if diff["change"] == bom_diff.CHANGED:
            old_value = "; ".join(
                f"{k}: {show(o)}" for k, (o, _n) in sorted(diff["fields"].items())
            )
            new_value = "; ".join(
                f"{k}: {show(n)}" for k, (_o, n) in sorted(diff["fields"].items())
            )
        else:
            old_value, new_value = brief(diff["old"]), brief(diff["new"])
        return {
            "change_id": self.id,
            "sequence": sequence,
            "bom_part_number": parent,
            "kind": diff["kind"],
            "change_type": diff["change"],
            "key": diff["key"],
            "old_value": old_value,
            "new_value": new_value,
            "description": bom_diff.describe(diff),
        }

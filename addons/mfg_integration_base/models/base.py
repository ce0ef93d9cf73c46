# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Where business events are caught, for every model: see mfg.event.subscription.

Why not base_automation: it would add a dependency, it runs server actions (the
only one that could call the outbox is Python code, which a subscription must
never hold), and its registry patches are removed for every model whenever an
automation rule changes. Overriding the methods once on ``base`` costs one
ormcache lookup per call on a model without subscription, and a subscription
change only clears a cache instead of reloading every worker's registry.
"""

from odoo import api, models


class Base(models.AbstractModel):
    _inherit = "base"

    def _mfg_event_entries(self, triggers):
        """The subscription entries of this model for ``triggers`` (or ())."""
        if not self.pool.ready or "mfg.event.subscription" not in self.pool:
            # While modules load the subscriptions table may not exist yet;
            # loading data is not a business event anyway.
            return ()
        entries = self.env["mfg.event.subscription"]._mfg_index().get(self._name)
        if not entries:
            return ()
        return tuple(e for e in entries if e.trigger in triggers)

    def _mfg_emit(self, entry, records):
        if records:
            subscription = self.env["mfg.event.subscription"].browse(entry.id)
            subscription._mfg_emit_events(records)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for entry in self._mfg_event_entries(("create", "state")):
            if entry.trigger == "create":
                # This override runs below the model's own create(): what it
                # adds after super() belongs in the event, so "created" events
                # are written just before the commit (same transaction).
                self.env["mfg.event.subscription"]._mfg_defer_created(entry, records)
                continue
            # Created already holding the value: it reached it.
            subscription = self.env["mfg.event.subscription"].browse(entry.id)
            self._mfg_emit(
                entry, records.sudo().filtered(subscription.sudo()._mfg_state_reached)
            )
        return records

    def write(self, vals):
        entries = self._mfg_event_entries(("write", "state")) if self else ()
        entries = tuple(
            e
            for e in entries
            if (e.trigger == "state" and e.field in vals)
            or (e.trigger == "write" and (not e.watched or e.watched & vals.keys()))
        )
        if not entries:
            return super().write(vals)
        watched = {f for e in entries for f in self._mfg_watched_names(e, vals)}
        old = self._mfg_old_values(watched)
        result = super().write(vals)
        self._mfg_changed_events(entries, old, vals)
        return result

    def _compute_field_value(self, field):
        # Stored computed fields (a picking's state) change without write().
        names = {f.name for f in self.pool.field_computed.get(field, [field])}
        entries = ()
        if field.store and names:
            entries = tuple(
                e
                for e in self._mfg_event_entries(("write", "state"))
                if (e.trigger == "state" and e.field in names)
                or (e.trigger == "write" and e.watched & names)
            )
        records = self.filtered(lambda r: isinstance(r.id, int)) if entries else self
        if not (entries and records):
            return super()._compute_field_value(field)
        watched = {f for e in entries for f in self._mfg_watched_names(e, names)}
        old = records._mfg_old_values(watched)
        result = super()._compute_field_value(field)
        records._mfg_changed_events(entries, old, names)
        return result

    def unlink(self):
        # The payload is read before the record is gone.
        for entry in self._mfg_event_entries(("unlink",)) if self else ():
            self._mfg_emit(entry, self)
        return super().unlink()

    # ------------------------------------------------------------- helpers
    @staticmethod
    def _mfg_watched_names(entry, changed):
        if entry.trigger == "state":
            return {entry.field}
        return (entry.watched or set(changed)) & set(changed)

    def _mfg_old_values(self, names):
        """{name: {id: value}} before the change, read as superuser (the event
        does not depend on who makes the change)."""
        records = self.sudo()
        return {
            name: {r.id: r[name] for r in records}
            for name in names
            if name in self._fields and self._fields[name].store
        }

    def _mfg_changed_events(self, entries, old, changed):
        records = self.sudo()
        for entry in entries:
            names = [n for n in self._mfg_watched_names(entry, changed) if n in old]
            moved = records.filtered(
                lambda r, names=names: any(r[n] != old[n].get(r.id) for n in names)
            )
            if entry.trigger == "state":
                subscription = self.env["mfg.event.subscription"].browse(entry.id)
                moved = moved.filtered(subscription.sudo()._mfg_state_reached)
            self._mfg_emit(entry, moved)

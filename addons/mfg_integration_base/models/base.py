# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What every model gets from the engine: the outcome of a message about one of
its records (``_mfg_on_message_outcome``), and where business events are caught
(see mfg.event.subscription).

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

    def _mfg_defer_event(self, entry, names=(), created=False):
        records = self.filtered(lambda r: isinstance(r.id, int))
        if records:
            self.env["mfg.event.subscription"]._mfg_defer(
                entry, records, names, created=created
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for entry in self._mfg_event_entries(("create", "state")):
            # Decided before the commit: what the model's own create() adds
            # after this override (below it) is in the event.
            names = (entry.field,) if entry.trigger == "state" else ()
            records._mfg_defer_event(entry, names, created=True)
        return records

    def write(self, vals):
        entries = self._mfg_event_entries(("write", "state")) if self else ()
        for entry in entries:
            names = self._mfg_watched_names(entry, vals)
            if names:
                self._mfg_defer_event(entry, names)
        return super().write(vals)

    def _compute_field_value(self, field):
        # Stored computed fields (a picking's state) change without write().
        if field.store:
            names = {f.name for f in self.pool.field_computed.get(field, [field])}
            for entry in self._mfg_event_entries(("write", "state")):
                if entry.trigger == "write" and not entry.watched:
                    continue
                watched = self._mfg_watched_names(entry, names)
                if watched:
                    self._mfg_defer_event(entry, watched)
        return super()._compute_field_value(field)

    def unlink(self):
        # The payload is read now: the record is gone at the commit.
        for entry in self._mfg_event_entries(("unlink",)) if self else ():
            self.env["mfg.event.subscription"]._mfg_emit(entry, self)
        return super().unlink()

    # ------------------------------------------------------------- helpers
    def _mfg_watched_names(self, entry, changed):
        """The stored fields of ``changed`` that ``entry`` watches."""
        if entry.trigger == "state":
            names = {entry.field} & set(changed)
        else:
            names = (entry.watched or set(changed)) & set(changed)
        return {n for n in names if n in self._fields and self._fields[n].store}

    # ------------------------------------------------------ message outcome
    def _mfg_on_message_outcome(self, message, state):
        """A message about this record (``message.res_model``/``res_id``) has
        reached ``state``: done, failed or dead (mfg.sync.message
        ``_mfg_outcome_reached``). Nothing by default; a model whose state
        follows what the other system answered overrides it."""
        return

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MfgRegistryCacheMixin(models.AbstractModel):
    """Clears the registry's caches when a record that feeds an ormcache changes
    (the webhook intake's configuration, the event subscriptions' index); Odoo's
    cache signalling clears them in the other workers too."""

    _name = "mfg.registry.cache.mixin"
    _description = "Clears the engine's cached configuration on change"
    # Fields no cache reads: writing only these keeps the caches.
    _cache_volatile_fields = frozenset()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        if set(vals) - self._cache_volatile_fields:
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

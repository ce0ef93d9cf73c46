# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MfgBenchIntake(models.Model):
    """The small table of the minimal durable intake: one row per webhook-id."""

    _name = "mfg.bench.intake"
    _description = "Benchmark baseline: minimal durable intake"

    key = fields.Char(required=True)
    body = fields.Text()

    _sql_constraints = [("key_uniq", "unique(key)", "One row per webhook-id.")]

    def _bench_process(self):
        """The job the floor enqueues; the intake benchmark never runs it."""
        return len(self)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Simulators of the systems around Odoo: a PLM, an MES, a finite-capacity
scheduler (APS) and a quality / maintenance system (QMS).

Small stdlib ``http.server`` services on 127.0.0.1. Each one verifies the Standard
Webhooks signature of what Odoo sends it, keeps what it received (``GET
/received``), and sends signed webhooks to ``POST /mfg/v1/<connector>/<flow>``.
``simulators.plant`` runs the four of them with a scenario (``setup/plant``).
Pure logic (signing, scenario building, the planner) needs neither Odoo nor a
network and is unit-tested under ``tests/simulators/``.
"""

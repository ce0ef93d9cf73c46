"""Pure-python core of the integration engine: no ``import odoo`` here.

Models, controllers and jobs call these functions; tests under ``tests/`` run
them without a database.
"""

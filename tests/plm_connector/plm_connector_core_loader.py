"""Load addons/plm_connector/core as a standalone package, without Odoo.

Importing it through ``odoo.addons.plm_connector`` would import the models;
the core package needs nothing but the standard library and lxml.
"""

import importlib.util
import pathlib
import sys

CORE_DIR = pathlib.Path(__file__).resolve().parents[2] / "addons" / "plm_connector" / "core"
NAME = "plm_connector_core"


def load():
    if NAME in sys.modules:
        return sys.modules[NAME]
    spec = importlib.util.spec_from_file_location(
        NAME, CORE_DIR / "__init__.py", submodule_search_locations=[str(CORE_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[NAME] = module
    spec.loader.exec_module(module)
    return module

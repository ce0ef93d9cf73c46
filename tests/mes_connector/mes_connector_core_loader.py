# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Load addons/mes_connector/core as a plain package, without Odoo."""

import importlib.util
import pathlib
import sys

CORE_DIR = (
    pathlib.Path(__file__).resolve().parents[2] / "addons" / "mes_connector" / "core"
)


def _load_core():
    name = "mes_connector_core"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, CORE_DIR / "__init__.py", submodule_search_locations=[str(CORE_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


core = _load_core()

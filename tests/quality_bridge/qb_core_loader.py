"""Load addons/quality_bridge/core without importing the Odoo addon package."""

import importlib
import importlib.util
import pathlib
import sys

CORE_DIR = (
    pathlib.Path(__file__).resolve().parents[2] / "addons" / "quality_bridge" / "core"
)
PACKAGE = "quality_bridge_core"


def load(submodule=None):
    if PACKAGE not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            PACKAGE,
            CORE_DIR / "__init__.py",
            submodule_search_locations=[str(CORE_DIR)],
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[PACKAGE] = module
        spec.loader.exec_module(module)
    if submodule:
        return importlib.import_module(f"{PACKAGE}.{submodule}")
    return sys.modules[PACKAGE]

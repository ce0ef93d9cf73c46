"""Make every addon's `core/` package importable without Odoo.

Importing `mfg_integration_base` (or `odoo.addons.mfg_integration_base`) runs the
addon's `__init__.py`, which imports its Odoo models. The `core/` packages never
import Odoo, so the unit tests under `tests/<addon>/` load them on their own, under
a top-level alias:

    addons/<addon>/core/           ->  <addon>_core
    addons/<addon>/core/foo.py     ->  <addon>_core.foo

    from mfg_integration_base_core import signatures
    from mes_connector_core.ordering import next_sequence

A finder on `sys.meta_path` resolves the alias lazily (the first import loads
`core/__init__.py` with spec_from_file_location; submodules are found through the
package's `__path__`), so one addon's broken core does not stop another addon's
tests from running. Relative imports inside a core package keep working
(`from . import schemas`). The alias is a second copy of the module next to
`odoo.addons.<addon>.core` when Odoo is loaded too: compare values, not classes,
across the two.
"""

import importlib.util
import sys
from pathlib import Path

ADDONS_DIR = Path(__file__).resolve().parent.parent / "addons"
CORE_SUFFIX = "_core"


def core_packages():
    """{alias: core dir} for every addon of the repository that has a core/."""
    return {
        f"{manifest.parent.name}{CORE_SUFFIX}": manifest.parent / "core"
        for manifest in sorted(ADDONS_DIR.glob("*/__manifest__.py"))
        if (manifest.parent / "core" / "__init__.py").is_file()
    }


class AddonCoreFinder:
    """Resolve `<addon>_core` to `addons/<addon>/core/__init__.py`."""

    def __init__(self, packages):
        self.packages = packages

    def find_spec(self, name, path=None, target=None):
        core_dir = self.packages.get(name)
        if core_dir is None:
            return None
        return importlib.util.spec_from_file_location(
            name,
            core_dir / "__init__.py",
            submodule_search_locations=[str(core_dir)],
        )


if not any(isinstance(finder, AddonCoreFinder) for finder in sys.meta_path):
    sys.meta_path.append(AddonCoreFinder(core_packages()))

"""Helpers of the set-up scripts that need no Odoo and no third-party package.

python3 setup/envtool.py satisfied FILE...    exit 0 when every requirement of
                                             the files is installed, else 1
python3 setup/envtool.py addons-path ROOT     the addons_path for ROOT's addons
                                             and those of the importable Odoo
"""

import importlib.metadata
import os
import sys

try:
    from packaging.requirements import InvalidRequirement, Requirement
except ImportError:  # a bare interpreter: pip vendors packaging
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement


def _requirement_lines(path):
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-"):
                yield line


def satisfied(paths):
    for path in paths:
        for line in _requirement_lines(path):
            try:
                req = Requirement(line)
            except InvalidRequirement:
                return 1
            if req.marker is not None and not req.marker.evaluate():
                continue
            try:
                version = importlib.metadata.version(req.name)
            except importlib.metadata.PackageNotFoundError:
                return 1
            if not req.specifier.contains(version, prereleases=True):
                return 1
    return 0


def _holds_addons(path):
    try:
        entries = os.listdir(path)
    except OSError:
        return False
    return any(
        os.path.isfile(os.path.join(path, entry, "__manifest__.py"))
        for entry in entries
    )


def addons_path(root):
    """The repository's addons first, then every addons directory of Odoo itself:
    `odoo/addons` (base), the source tree's `addons/` next to the package, and the
    directories that `odoo.addons` is extended with (addons installed as wheels,
    such as queue_job)."""
    import odoo  # only called where Odoo is present

    import odoo.addons

    package_dir = os.path.dirname(os.path.abspath(odoo.__file__))
    candidates = [
        os.path.join(root, "addons"),
        os.path.join(package_dir, "addons"),
        os.path.join(os.path.dirname(package_dir), "addons"),
        *odoo.addons.__path__,
    ]
    result = []
    for path in candidates:
        path = os.path.realpath(path)
        if path not in result and _holds_addons(path):
            result.append(path)
    print(",".join(result))
    return 0


def main(argv):
    if argv[:1] == ["satisfied"] and len(argv) > 1:
        return satisfied(argv[1:])
    if argv[:1] == ["addons-path"] and len(argv) == 2:
        return addons_path(argv[1])
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The repository's shape, checked without Odoo: manifests, files, dependency rules.

The addon table and the dependency rules are those of the README ("Addons"); the
files each addon must carry are those of issue 2 and of OCA's addon layout.
"""

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS_DIR = ROOT / "addons"
BASE = "mfg_integration_base"
DOMAIN_ADDONS = (
    "plm_connector",
    "mes_connector",
    "scheduler_connector",
    "quality_bridge",
)
ADDONS = (BASE, *DOMAIN_ADDONS)

# README.md, "Addons": what each addon depends on, at least.
DESIGN_DEPENDS = {
    BASE: {"base", "mail", "queue_job"},
    "plm_connector": {BASE, "mrp"},
    "mes_connector": {BASE, "mrp"},
    "scheduler_connector": {BASE, "mrp"},
    "quality_bridge": {BASE, "mrp", "stock", "maintenance"},
}
REQUIRED_KEYS = (
    "name",
    "summary",
    "version",
    "license",
    "author",
    "website",
    "category",
)
README_FRAGMENTS = ("DESCRIPTION.md", "CONFIGURE.md", "USAGE.md", "ROADMAP.md")
VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")


def manifest(addon):
    path = ADDONS_DIR / addon / "__manifest__.py"
    assert path.is_file(), f"{addon} has no __manifest__.py"
    value = ast.literal_eval(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict), f"{path} is not a dict literal"
    return value


def python_files(folder):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(path):
    """Names imported by a Python file; relative imports are resolved against its
    place under addons/ ("<addon>.core.x"), absolute ones are kept ("odoo.fields")."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(ADDONS_DIR).parent.parts)
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def requirement_names(filename):
    """The distributions a requirements file names (its `-r` includes left out)."""
    names = set()
    for line in (ROOT / filename).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical_name(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0]))
    return names


def test_the_five_addons_are_there_and_nothing_else_claims_to_be():
    found = {p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py")}
    assert set(ADDONS) <= found, f"missing addons: {sorted(set(ADDONS) - found)}"


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_keys(addon):
    values = manifest(addon)
    for key in REQUIRED_KEYS:
        assert isinstance(values.get(key), str) and values[key].strip(), (
            f"{addon}: manifest key {key!r} missing or empty"
        )
    assert VERSION_RE.match(values["version"]), (
        f"{addon}: version {values['version']!r} is not 18.0.x.y.z"
    )
    assert values["license"] == "LGPL-3"
    assert values["website"].startswith("https://")
    assert values.get("installable", True) is True, f"{addon} is not installable"
    assert values.get("application", False) is (addon == BASE), (
        "only the base addon is an application"
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_depends_follow_the_design(addon):
    depends = set(manifest(addon).get("depends", []))
    missing = DESIGN_DEPENDS[addon] - depends
    assert not missing, (
        f"{addon} lacks the dependencies {sorted(missing)} of the README's addons"
    )
    suite = set(ADDONS) - {addon}
    allowed = {BASE} if addon in DOMAIN_ADDONS else set()
    assert not (depends & suite) - allowed, (
        f"{addon} depends on {sorted((depends & suite) - allowed)}: the base never "
        "depends on a domain addon, domain addons never on each other"
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest_files_exist(addon):
    values = manifest(addon)
    listed = values.get("data", []) + values.get("demo", [])
    missing = [name for name in listed if not (ADDONS_DIR / addon / name).is_file()]
    assert not missing, f"{addon}: manifest lists missing files {missing}"
    duplicates = sorted({name for name in listed if listed.count(name) > 1})
    assert not duplicates, f"{addon}: files listed twice {duplicates}"


def external_dependencies(addon):
    return {
        canonical_name(name)
        for name in manifest(addon).get("external_dependencies", {}).get("python", [])
    }


def canonical_name(name):
    """A distribution's name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution_of(import_name):
    """The distribution that provides a top-level import name: the installed one's,
    else the import name itself (where the package is not installed here)."""
    installed = importlib.metadata.packages_distributions().get(import_name)
    return canonical_name(installed[0] if installed else import_name)


def third_party_imports(addon):
    """Top-level packages imported by the addon's runtime code (core/ included, its
    tests/ not), outside the standard library and Odoo."""
    found = {}
    for path in python_files(ADDONS_DIR / addon):
        if "tests" in path.relative_to(ADDONS_DIR / addon).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("odoo", *ADDONS):
                    found.setdefault(top, path.relative_to(ROOT))
    return found


@pytest.mark.parametrize("addon", ADDONS)
def test_every_imported_package_is_an_external_dependency(addon):
    declared = external_dependencies(addon)
    missing = [
        f"{name} (distribution {distribution_of(name)}, imported by {where})"
        for name, where in sorted(third_party_imports(addon).items())
        if distribution_of(name) not in declared
    ]
    assert not missing, f"{addon}'s manifest lacks external_dependencies: " + ", ".join(
        missing
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_external_dependencies_are_in_requirements(addon):
    missing = external_dependencies(addon) - requirement_names("requirements.txt")
    assert not missing, f"{addon} needs {sorted(missing)}, absent from requirements.txt"


def test_runtime_requirements_are_the_addons_external_dependencies():
    declared = set().union(*(external_dependencies(addon) for addon in ADDONS))
    extra = requirement_names("requirements.txt") - declared
    assert not extra, (
        f"requirements.txt holds {sorted(extra)}, which no addon declares: a "
        "test-only package goes to requirements-test.txt"
    )
    test_only = requirement_names("requirements-test.txt")
    assert {"pytest", "pytest-odoo", "freezegun", "hypothesis"} <= test_only


@pytest.mark.parametrize("addon", ADDONS)
def test_generated_readme_and_translation_template(addon):
    folder = ADDONS_DIR / addon
    readme = (folder / "README.rst").read_text(encoding="utf-8")
    assert "This file is generated by oca-gen-addon-readme" in readme
    assert manifest(addon)["name"] in readme.splitlines()[1]
    contributors = (folder / "readme" / "CONTRIBUTORS.md").read_text(encoding="utf-8")
    assert "Manufacturing Integration Suite contributors" in contributors
    pot = (folder / "i18n" / f"{addon}.pot").read_text(encoding="utf-8")
    assert f"# \t* {addon}" in pot, f"i18n/{addon}.pot is not {addon}'s export"


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_files(addon):
    folder = ADDONS_DIR / addon
    expected = [
        "__init__.py",
        "pyproject.toml",
        "static/description/icon.png",
        "core/__init__.py",
        "tests/__init__.py",
        *(f"readme/{name}" for name in README_FRAGMENTS),
    ]
    missing = [name for name in expected if not (folder / name).is_file()]
    assert not missing, f"{addon} lacks {missing}"
    assert "whool" in (folder / "pyproject.toml").read_text(encoding="utf-8"), (
        f"{addon}/pyproject.toml does not build with whool"
    )
    assert list((folder / "tests").glob("test_*.py")), f"{addon} has no Odoo test"


@pytest.mark.parametrize("addon", ADDONS)
def test_core_never_imports_odoo(addon):
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files(ADDONS_DIR / addon / "core")
        for name in imported_modules(path)
        if name == "odoo"
        or name.startswith("odoo.")
        or (name.startswith(f"{addon}.") and not name.startswith(f"{addon}.core"))
    ]
    assert not offenders, "core/ imports Odoo:\n" + "\n".join(offenders)


@pytest.mark.parametrize("addon", ADDONS)
def test_addons_import_only_what_the_design_allows(addon):
    others = set(DOMAIN_ADDONS) - {addon}
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files(ADDONS_DIR / addon)
        for name in imported_modules(path)
        if any(re.match(rf"^(odoo\.addons\.)?{other}(\.|$)", name) for other in others)
    ]
    assert not offenders, (
        "the base never imports a domain addon, domain addons never each other:\n"
        + "\n".join(offenders)
    )

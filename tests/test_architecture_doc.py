"""docs/ARCHITECTURE.md stays true: every file and function it names exists.

The page names code as `path/to/file.py:function` or `path/to/file.py:Class.method`
(and plain paths of files or folders). This test reads every such reference and checks,
without importing anything, that the file exists and that its syntax tree defines that
function, method or class. A rename or a move that forgets the page fails here.
"""

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "ARCHITECTURE.md"

# `addons/x/models/y.py:name` or `…:Class.name`, inside backquotes; a path alone too
REFERENCE_RE = re.compile(
    r"`(?P<path>(?:addons|tests|docs|setup|bench|simulators)/[\w./-]*?)"
    r"(?::(?P<name>[A-Za-z_][\w.]*))?`"
)


# `Class.method` alone: a method of a class of one of the files the page names
BARE_METHOD_RE = re.compile(r"`(?P<name>[A-Z][a-z]\w*\.[_a-z]\w*)`")


def references():
    text = DOC.read_text(encoding="utf-8")
    return [(m["path"], m["name"]) for m in REFERENCE_RE.finditer(text)]


def bare_methods():
    text = DOC.read_text(encoding="utf-8")
    return sorted({m["name"] for m in BARE_METHOD_RE.finditer(text)})


def named_python_files():
    return sorted({path for path, _name in references() if path.endswith(".py")})


@cache
def definitions(path):
    """Names a Python file defines: `function`, `Class` and `Class.method`, at any
    depth (a method of a nested class is `Inner.method`)."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=path)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(f"{node.name}.{item.name}")
    return names


def test_the_page_names_code():
    refs = references()
    with_name = [ref for ref in refs if ref[1]]
    # the two lives of a message and the three "where to add" recipes name functions
    assert len(with_name) >= 20, f"only {len(with_name)} file:function references"


def test_numbered_lives_of_a_message():
    text = DOC.read_text(encoding="utf-8")
    for title in ("## Life of an inbound message", "## Life of an outbound message"):
        assert title in text, f"the page lacks the section {title!r}"
        section = text.split(title, 1)[1].split("\n## ", 1)[0]
        steps = re.findall(r"^\d+\. .*", section, flags=re.MULTILINE)
        assert len(steps) >= 4, f"{title}: a numbered list of the hops is expected"
        assert all(REFERENCE_RE.search(step) for step in steps), (
            f"{title}: every step names its file:function"
        )


@pytest.mark.parametrize(
    "path,name", references(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_reference_exists(path, name):
    target = ROOT / path.rstrip("/")
    assert target.exists(), f"docs/ARCHITECTURE.md names {path}, which does not exist"
    if name:
        assert path.endswith(".py"), f"{path}:{name}: only Python files have functions"
        assert name in definitions(path), (
            f"docs/ARCHITECTURE.md names {path}:{name}, which that file does not define"
        )


@pytest.mark.parametrize("name", bare_methods())
def test_bare_method_is_defined_in_a_named_file(name):
    files = [path for path in named_python_files() if (ROOT / path).is_file()]
    assert any(name in definitions(path) for path in files), (
        f"docs/ARCHITECTURE.md names {name}, which no file it names defines"
    )

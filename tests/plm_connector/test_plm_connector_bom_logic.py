import plm_connector_core as core
import pytest

bom_diff = core.bom_diff
bom_graph = core.bom_graph
revision = core.revision


def _bom(lines, operations=()):
    return {"lines": list(lines), "operations": list(operations)}


def _line(component, qty, unit="Units", find=None):
    line = {"component": component, "quantity": qty, "unit": unit}
    if find:
        line["find_number"] = find
    return line


def _op(ref, wc="ASM", name="Assemble", seq=10, setup=5.0, run=1.0):
    return {
        "ref": ref,
        "workcenter_code": wc,
        "name": name,
        "sequence": seq,
        "setup_time": setup,
        "run_time": run,
    }


# ---------------------------------------------------------------- diff
def test_diff_components_added_removed_qty_and_unit_changed():
    old = _bom([_line("A", 1), _line("B", 2), _line("C", 3)])
    new = _bom(
        [_line("A", 1), _line("B", 5), _line("C", 3, unit="Dozens"), _line("D", 1)]
    )
    old["lines"].append(_line("E", 1))
    diff = bom_diff.diff_bom(old, new)
    got = {(d["kind"], d["change"], d["key"]): d["fields"] for d in diff}
    assert got == {
        ("component", "changed", "B"): {"quantity": (2, 5)},
        ("component", "changed", "C"): {"unit": ("Units", "Dozens")},
        ("component", "added", "D"): {},
        ("component", "removed", "E"): {},
    }


def test_diff_identical_boms_is_empty():
    bom = _bom([_line("A", 1.5)], [_op("OP10")])
    assert bom_diff.diff_bom(bom, _bom([_line("A", 1.5)], [_op("OP10")])) == []


def test_diff_float_noise_is_not_a_change():
    assert (
        bom_diff.diff_bom(_bom([_line("A", 0.1 + 0.2)]), _bom([_line("A", 0.3)])) == []
    )


def test_diff_operations():
    old = _bom([], [_op("OP10"), _op("OP20", wc="TST"), _op("OP30")])
    new = _bom(
        [], [_op("OP10", run=2.0), _op("OP20", wc="PNT", name="Paint"), _op("OP40")]
    )
    got = {
        (d["kind"], d["change"], d["key"]): d["fields"]
        for d in bom_diff.diff_bom(old, new)
    }
    assert got == {
        ("operation", "changed", "OP10"): {"run_time": (1.0, 2.0)},
        ("operation", "changed", "OP20"): {
            "workcenter_code": ("TST", "PNT"),
            "name": ("Assemble", "Paint"),
        },
        ("operation", "removed", "OP30"): {},
        ("operation", "added", "OP40"): {},
    }


def test_diff_against_no_bom_lists_everything_added():
    diff = bom_diff.diff_bom(None, _bom([_line("A", 1)], [_op("OP10")]))
    assert [(d["kind"], d["change"]) for d in diff] == [
        ("component", "added"),
        ("operation", "added"),
    ]
    assert bom_diff.summarize(diff) == {
        "component": {"added": 1},
        "operation": {"added": 1},
    }


def test_diff_repeated_component_matched_by_find_number():
    old = _bom([_line("S", 4, find="10"), _line("S", 2, find="20")])
    new = _bom([_line("S", 4, find="10"), _line("S", 3, find="20")])
    diff = bom_diff.diff_bom(old, new)
    assert [(d["key"], d["fields"]) for d in diff] == [("S#2", {"quantity": (2, 3)})]


def test_operation_ref_defaults_to_sequence():
    assert bom_diff.operation_ref({"sequence": 20}) == "20"


def test_describe():
    diff = bom_diff.diff_bom(_bom([_line("A", 1)]), _bom([_line("A", 2)]))
    assert bom_diff.describe(diff[0]) == "Component A changed (quantity: 1 → 2)"
    added = bom_diff.diff_bom(None, _bom([_line("A", 2)]))
    assert bom_diff.describe(added[0]) == "Component A added (2 Units)"


# ---------------------------------------------------------------- cycles
def test_no_cycle():
    assert bom_graph.find_cycle({"A": ["B", "C"], "B": ["C"], "C": []}) is None


def test_self_parent_cycle():
    assert bom_graph.find_cycle({"A": ["A"]}) == ["A", "A"]


def test_deep_cycle():
    graph = {"A": ["B"], "B": ["C"], "C": ["D"], "D": ["B"]}
    assert bom_graph.find_cycle(graph) == ["B", "C", "D", "B"]


def test_very_deep_chain_does_not_recurse():
    graph = {i: [i + 1] for i in range(20000)}
    assert bom_graph.find_cycle(graph) is None
    graph[20000] = [0]
    cycle = bom_graph.find_cycle(graph)
    assert cycle[0] == cycle[-1] and len(cycle) == 20002


def test_levels():
    assert bom_graph.levels({"A": ["B", "C"], "B": ["C"]}, "A") == {
        "A": 0,
        "B": 1,
        "C": 2,
    }


# ---------------------------------------------------------------- revisions
@pytest.mark.parametrize(
    "older, newer",
    [
        ("A", "B"),
        ("Z", "AA"),
        ("1", "2"),
        ("2", "10"),
        ("01", "A"),
        ("B", "B.1"),
        ("B.1", "B.2"),
        ("B.9", "B.10"),
        ("", "A"),
        ("a", "B"),
        ("C-2", "D"),
    ],
)
def test_revision_order(older, newer):
    assert revision.compare_revisions(older, newer) == -1
    assert revision.compare_revisions(newer, older) == 1
    assert revision.is_older(older, newer)
    assert not revision.is_older(newer, older)


def test_revision_equal_ignores_case_and_separators():
    assert revision.compare_revisions("b.1", "B-1") == 0
    assert not revision.is_older("B", "B")


def test_nothing_is_older_than_no_revision():
    assert not revision.is_older("A", None)


def test_diff_values_show_numbers_one_way():
    show = bom_diff.format_value
    assert [show(v) for v in (4, 4.0, "4.0", 12.5, 0.1 + 0.2, -0.0, 1e-9)] == [
        "4",
        "4",
        "4",
        "12.5",
        "0.3",
        "0",
        "0",
    ]
    assert [show(v) for v in (None, "Units", True)] == ["", "Units", "True"]
    diff = bom_diff.diff_bom(_bom([_line("A", 6.0)]), _bom([_line("A", 8)]))
    assert bom_diff.describe(diff[0]) == "Component A changed (quantity: 6 → 8)"

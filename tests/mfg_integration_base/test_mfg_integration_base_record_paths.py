import csv
import io
import json

import pytest
from mfg_integration_base_core import record_paths


def test_paths_are_parsed_in_order_without_duplicates():
    text = "name\n partner_id.name ,move_ids.product_id.default_code\n\nname"
    assert record_paths.parse_paths(text) == [
        "name",
        "partner_id.name",
        "move_ids.product_id.default_code",
    ]


@pytest.mark.parametrize(
    "bad", ["partner_id..name", "Name", "name()", "__import__('os')", "a.b-c"]
)
def test_a_malformed_path_is_refused_with_its_text(bad):
    with pytest.raises(record_paths.PathError) as err:
        record_paths.parse_paths(f"name\n{bad}")
    assert err.value.path == bad


def test_tree_merges_paths_under_their_relation():
    tree = record_paths.path_tree(
        ["name", "move_ids.product_id.default_code", "move_ids.quantity"]
    )
    assert tree == {
        "name": {},
        "move_ids": {"product_id": {"default_code": {}}, "quantity": {}},
    }


RECORDS = [
    {
        "id": 7,
        "name": "WH/IN/7",
        "partner_id": {"id": 3, "name": "Azure, Inc."},
        "move_ids": [
            {"id": 1, "product_id": {"id": 4, "default_code": "A"}},
            {"id": 2, "product_id": {"id": 5, "default_code": "B"}},
        ],
        "note": None,
    },
    {"id": 8, "name": "WH/IN/8", "partner_id": None, "move_ids": [], "note": "x"},
]
PATHS = ["name", "partner_id.name", "move_ids.product_id.default_code", "note"]


def test_path_value_walks_objects_and_lists():
    assert record_paths.path_value(RECORDS[0], "partner_id.name") == "Azure, Inc."
    assert record_paths.path_value(RECORDS[0], "move_ids.product_id.default_code") == [
        "A",
        "B",
    ]
    assert record_paths.path_value(RECORDS[1], "partner_id.name") is None


def test_jsonl_is_one_object_per_line():
    body = record_paths.render_jsonl(RECORDS)
    lines = body.decode().splitlines()
    assert [json.loads(line) for line in lines] == RECORDS
    assert body.endswith(b"\n")


def test_csv_has_a_header_and_quotes_what_needs_it():
    body, content_type = record_paths.render_page(RECORDS, PATHS, "csv")
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows == [
        ["id", *PATHS],
        ["7", "WH/IN/7", "Azure, Inc.", '["A","B"]', ""],
        ["8", "WH/IN/8", "", "[]", "x"],
    ]


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError):
        record_paths.render_page(RECORDS, PATHS, "xml")

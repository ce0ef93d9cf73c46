# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pull transport, OData dialect: URLs, pages, cursor (no Odoo)."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from mfg_integration_base_core import pull


def test_first_url_without_and_with_cursor():
    url = pull.first_url(
        "https://plm.example/api/", "/odata/Parts", None, "ModifiedOn", "ID", 50
    )
    query = parse_qs(urlsplit(url).query)
    assert url.startswith("https://plm.example/api/odata/Parts?")
    assert query == {"$orderby": ["ModifiedOn asc,ID asc"], "$top": ["50"]}
    cursor = {"time": "2026-01-05T08:10:00Z", "id": "O'Brien:1"}
    query = parse_qs(
        urlsplit(
            pull.first_url(
                "https://plm.example", "Parts", cursor, "ModifiedOn", "ID", 2
            )
        ).query
    )
    assert query["$filter"] == [
        "ModifiedOn gt 2026-01-05T08:10:00Z or "
        "(ModifiedOn eq 2026-01-05T08:10:00Z and ID gt 'O''Brien:1')"
    ]


def test_read_page_and_cursor():
    body = json.dumps(
        {
            "value": [{"ID": "a", "ModifiedOn": "t1"}, {"ID": "b", "ModifiedOn": "t2"}],
            "@odata.nextLink": "https://plm.example/Parts?$skiptoken=2",
        }
    )
    records, next_link = pull.read_page(body, "ModifiedOn", "ID")
    assert [r["ID"] for r in records] == ["a", "b"]
    assert next_link.endswith("$skiptoken=2")
    assert pull.record_cursor(records[-1], "ModifiedOn", "ID") == {
        "time": "t2",
        "id": "b",
    }
    assert pull.record_key(records[0], "ModifiedOn", "ID") == "pull:a@t1"


@pytest.mark.parametrize(
    "body, reason",
    [
        ("not json", "not JSON"),
        ("[]", "no 'value' array"),
        ('{"value": [1]}', "not an object"),
        ('{"value": [{"ID": "a"}]}', "has no ModifiedOn"),
        ('{"value": [], "@odata.nextLink": 3}', "not a string"),
    ],
)
def test_unreadable_pages_say_why(body, reason):
    with pytest.raises(pull.PullPageError, match=reason):
        pull.read_page(body, "ModifiedOn", "ID")


def test_next_links_stay_on_the_connector_origin():
    base = "https://plm.example/api"
    assert pull.same_origin("https://plm.example/api/Parts?$skiptoken=2", base)
    assert not pull.same_origin("https://evil.example/Parts", base)
    assert not pull.same_origin("http://plm.example/Parts", base)
    assert not pull.same_origin("https://plm.example:8443/Parts", base)

"""Field paths of an outbound record payload, and the two page formats of a feed.

A subscription or a feed names the fields it sends as dotted paths, one per line::

    name
    partner_id.name
    move_ids.product_id.default_code

The paths become a tree (``{"name": {}, "partner_id": {"name": {}}, ...}``) that the
Odoo side walks once per record: a many2one with sub-paths becomes an object, a
one2many/many2many a list of objects; a relational leaf is an id (a list of ids).
"""

import csv
import io
import json
import re

PATH_RE = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")
CONTENT_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


class PathError(ValueError):
    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = path


def parse_paths(text):
    """The paths of a text field (one per line or comma-separated), in order,
    without duplicates; raises PathError on a malformed one."""
    paths = []
    for raw in re.split(r"[\n,]", text or ""):
        path = raw.strip()
        if not path:
            continue
        if not PATH_RE.match(path):
            raise PathError(path, "not a dotted field path (e.g. partner_id.name)")
        if path not in paths:
            paths.append(path)
    return paths


def path_tree(paths):
    """{field: subtree} of the paths; an empty subtree is a leaf."""
    tree = {}
    for path in paths:
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
    return tree


def path_value(values, path):
    """The value at ``path`` in a nested record dict; a list on the way is walked
    and flattened (``move_ids.product_id.default_code`` gives a list of codes)."""
    nodes, many = [values], False
    for part in path.split("."):
        following = []
        for node in nodes:
            value = node.get(part) if isinstance(node, dict) else None
            if isinstance(value, list):
                many = True
                following.extend(value)
            else:
                following.append(value)
        nodes = following
    return nodes if many else nodes[0]


def render_jsonl(records):
    """One compact JSON object per line, newline-terminated."""
    return "".join(
        json.dumps(record, separators=(",", ":"), ensure_ascii=False, default=str)
        + "\n"
        for record in records
    ).encode("utf-8")


def render_csv(records, paths):
    """A header row (``id`` then each path), then one row per record; a value
    that is a list or an object is written as JSON so that nothing is ambiguous."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *paths])
    for record in records:
        row = [record.get("id")]
        for path in paths:
            value = path_value(record, path)
            if isinstance(value, list | dict):
                value = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            elif value is None:
                value = ""
            row.append(value)
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def render_page(records, paths, page_format):
    """(body bytes, content type) of a feed page."""
    if page_format == "csv":
        return render_csv(records, paths), CONTENT_TYPES["csv"]
    if page_format == "jsonl":
        return render_jsonl(records), CONTENT_TYPES["jsonl"]
    raise ValueError(f"unknown feed format {page_format!r}")

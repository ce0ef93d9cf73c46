# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Pull transport, OData dialect (pure python): the URLs Odoo GETs when it polls
an external REST API, what a page holds, and the cursor kept between runs.

The cursor is the (modification time, id) of the last record stored, so that the
next run asks for what comes strictly after it in the server's order
(``$orderby=<time> asc,<id> asc``): records that share one modification time are
never skipped at a page boundary, and a page is stored whole or not at all, so a
run that fails midway resumes where the last stored page ended.
"""

import json
from urllib.parse import quote, urlencode, urlsplit

DEFAULT_TIME_FIELD = "ModifiedOn"
DEFAULT_ID_FIELD = "ID"


class PullPageError(ValueError):
    """A page the server sent cannot be read (the run stops before it)."""


def _literal(value):
    """An OData string literal ('' escapes a quote)."""
    return "'" + str(value).replace("'", "''") + "'"


def first_url(base_url, path, cursor, time_field, id_field, page_size):
    """URL of the first page after ``cursor`` ({"time", "id"} or None)."""
    params = {
        "$orderby": f"{time_field} asc,{id_field} asc",
        "$top": str(page_size),
    }
    if cursor:
        when = cursor["time"]
        params["$filter"] = (
            f"{time_field} gt {when} or "
            f"({time_field} eq {when} and {id_field} gt {_literal(cursor['id'])})"
        )
    query = urlencode(params, quote_via=quote, safe="$,'()")
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}?{query}"


def read_page(body, time_field, id_field):
    """(records, next link) of an OData JSON page; PullPageError when it is not
    one or a record lacks its time or id (it could not be placed in order)."""
    try:
        data = json.loads(body)
    except ValueError as err:
        raise PullPageError(f"The page is not JSON: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("value"), list):
        raise PullPageError("The page has no 'value' array (OData collection).")
    records = data["value"]
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise PullPageError(f"value[{index}] is not an object.")
        for field in (time_field, id_field):
            if record.get(field) in (None, ""):
                raise PullPageError(f"value[{index}] has no {field}.")
    next_link = data.get("@odata.nextLink")
    if next_link is not None and not isinstance(next_link, str):
        raise PullPageError("@odata.nextLink is not a string.")
    return records, next_link


def same_origin(url, base_url):
    """A next link is followed only on the connector's own scheme, host and port
    (a server cannot send Odoo's credentials elsewhere)."""
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def record_cursor(record, time_field, id_field):
    return {"time": str(record[time_field]), "id": str(record[id_field])}


def record_key(record, time_field, id_field):
    """Idempotency key of one version of a record: a record modified again is a
    new message; the same version pulled twice is a duplicate."""
    return f"pull:{record[id_field]}@{record[time_field]}"

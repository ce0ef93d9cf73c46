# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real OData-style PLM service on 127.0.0.1 for the pull tests: one collection
of entities ordered by ModifiedOn and ID, $filter on them as the engine writes it,
$top pages with @odata.nextLink ($skiptoken), and scripted answers (429 with
Retry-After, 500) for chosen requests."""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

from odoo.addons.mfg_integration_base.tests.http_server import LocalJsonServer

FILTER_RE = re.compile(
    r"^(\w+) gt (\S+) or \((\w+) eq (\S+) and (\w+) gt '((?:[^']|'')*)'\)$"
)


class ODataPlm(LocalJsonServer):
    def __init__(self, entities, path="/odata/Parts", api_key=None):
        super().__init__()
        self.entities = entities
        self.path = path
        self.api_key = api_key
        #: {request number (1-based): (status, headers)} answered instead of data
        self.script = {}
        self.requests = []

    def handle(self, request):
        self.requests.append({"path": request.path, "headers": dict(request.headers)})
        self.reply(
            request, *self.answer(len(self.requests), request.path, request.headers)
        )

    def answer(self, number, raw_path, headers):
        if number in self.script:
            status, extra = self.script[number]
            return status, extra, {"error": {"code": str(status)}}
        if self.api_key and headers.get("X-API-Key") != self.api_key:
            return 401, {}, {"error": {"code": "401"}}
        split = urlsplit(raw_path)
        if split.path != self.path:
            return 404, {}, {"error": {"code": "404"}}
        params = {k: v[0] for k, v in parse_qs(split.query).items()}
        rows = sorted(
            self.entities, key=lambda e: (e.get("ModifiedOn", ""), e.get("ID", ""))
        )
        if "$filter" in params:
            match = FILTER_RE.match(params["$filter"])
            if not match:
                return 400, {}, {"error": {"code": "400", "filter": params["$filter"]}}
            when, ident = match.group(2), match.group(6).replace("''", "'")
            rows = [
                r for r in rows if (r.get("ModifiedOn", ""), r["ID"]) > (when, ident)
            ]
        top = int(params.get("$top", 100))
        skip = int(params.get("$skiptoken", 0))
        page = rows[skip : skip + top]
        body = {"@odata.context": "$metadata#Parts", "value": page}
        if skip + top < len(rows):
            params["$skiptoken"] = str(skip + top)
            body["@odata.nextLink"] = f"{self.url}{self.path}?{urlencode(params)}"
        return 200, {}, body

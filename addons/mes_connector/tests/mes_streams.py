# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A realistic stream of shop-floor events for one MO, and its shuffled,
duplicated twin (same events, arrival order scrambled, some sent twice)."""

import random


def order_stream(mo_name):
    """(flow_code, payload) of one MO's life on the shop floor, in order."""

    def ev(seq, flow, **fields):
        return (
            flow,
            {
                "schema_version": "1.0",
                "ordering_key": mo_name,
                "sequence": seq,
                **fields,
            },
        )

    op = "mes.operation.event"
    events = [
        (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "started",
                "timestamp": "2026-01-05T08:00:00Z",
                "operator": "ann",
            },
        ),
        (
            "mes.material.consumed",
            {"product": "C-BOARD", "quantity": 3, "lot": "BOARD-1"},
        ),
        (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "paused",
                "timestamp": "2026-01-05T08:20:00Z",
            },
        ),
        (
            "mes.downtime.reported",
            {
                "workcenter": "MES-CUT",
                "start": "2026-01-05T08:20:00Z",
                "end": "2026-01-05T08:30:00Z",
                "reason": "SETUP",
            },
        ),
        (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "resumed",
                "timestamp": "2026-01-05T08:30:00Z",
            },
        ),
        ("mes.scrap.reported", {"product": "C-SCREW", "quantity": 2, "reason": "Bent"}),
        (
            op,
            {
                "workorder": {"operation": "Cutting"},
                "event": "finished",
                "timestamp": "2026-01-05T08:50:00Z",
            },
        ),
        (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "started",
                "timestamp": "2026-01-05T09:00:00Z",
                "operator": "bob",
            },
        ),
        (
            "mes.material.consumed",
            {"product": "C-BOARD", "quantity": 2, "lot": "BOARD-2"},
        ),
        ("mes.material.consumed", {"product": "C-SCREW", "quantity": 22}),
        (
            op,
            {
                "workorder": {"operation": "Assembly"},
                "event": "finished",
                "timestamp": "2026-01-05T10:10:00Z",
            },
        ),
        (
            "mes.production.completed",
            {"quantity": 3, "lot": "TABLE-1", "timestamp": "2026-01-05T10:15:00Z"},
        ),
        (
            "mes.production.completed",
            {"quantity": 2, "timestamp": "2026-01-05T10:20:00Z", "final": True},
        ),
    ]
    return [
        ev(seq, flow, **fields) for seq, (flow, fields) in enumerate(events, start=1)
    ]


def shuffled_with_duplicates(events, seed=7, duplicates=5):
    """The same events in a scrambled order, ``duplicates`` of them sent twice."""
    rng = random.Random(seed)
    stream = list(events) + rng.sample(list(events), duplicates)
    rng.shuffle(stream)
    if stream[: len(events)] == list(events):  # pragma: no cover - seed guard
        stream.reverse()
    return stream


def renamed(events, names):
    """``events`` with the shop's codes and lot names replaced per ``names``
    ({name in the stream: name in the test's shop}), for a shop of one's own."""

    def rename(value):
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        return names.get(value, value) if isinstance(value, str) else value

    return [(flow_code, rename(payload)) for flow_code, payload in events]

# Copyright 2026 Manufacturing Integration Suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Comparison of PLM revision labels (pure python).

PLM systems label revisions ``A, B, ... Z, AA, AB``, or ``1, 2, 10``, or mix
them (``01`` prototypes before ``A``, ``B.1``, ``C-2``). A label is split into
numeric and alphabetic tokens; numbers compare as numbers, letters as
spreadsheet columns (``Z < AA``), a number sorts before letters (prototype
``03`` is older than ``A``), and a label that is a prefix of another is older
(``B < B.1``). Case and separators are ignored.
"""

import re

_TOKEN_RE = re.compile(r"\d+|[A-Za-z]+")


def revision_key(revision):
    """Sortable key of a revision label (``None``/empty sorts first)."""
    if not revision:
        return ()
    key = []
    for token in _TOKEN_RE.findall(str(revision)):
        if token.isdigit():
            key.append((0, int(token), 0, ""))
        else:
            token = token.upper()
            key.append((1, 0, len(token), token))
    return tuple(key)


def compare_revisions(left, right):
    """Return -1, 0 or 1 as ``left`` is older than, the same as, or newer
    than ``right``."""
    left_key, right_key = revision_key(left), revision_key(right)
    if left_key < right_key:
        return -1
    if left_key > right_key:
        return 1
    return 0


def is_older(revision, current):
    """True when ``revision`` is strictly older than ``current`` (a missing
    current revision makes nothing older)."""
    if not current:
        return False
    return compare_revisions(revision, current) < 0

"""Classification of failures into the four error kinds of a message."""

TRANSIENT = "transient"
PERMANENT = "permanent"
VALIDATION = "validation"
CONFLICT = "conflict"

# PostgreSQL SQLSTATEs worth retrying: serialization failure, deadlock,
# lock not available, query canceled (statement timeout).
TRANSIENT_PGCODES = frozenset({"40001", "40P01", "55P03", "57014"})
RETRYABLE_HTTP_STATUSES = frozenset({408, 425, 429})


def classify_pgcode(pgcode):
    return TRANSIENT if pgcode in TRANSIENT_PGCODES else PERMANENT


def classify_http_status(status):
    """``None`` for success, else the error kind of an HTTP answer."""
    if 200 <= status < 300:
        return None
    if status in RETRYABLE_HTTP_STATUSES or status >= 500:
        return TRANSIENT
    return PERMANENT

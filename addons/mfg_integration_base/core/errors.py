"""Classification of database and HTTP failures as transient (retried) or
permanent; the two other error kinds of a message, validation and conflict,
come from handlers (exceptions.py)."""

TRANSIENT = "transient"
PERMANENT = "permanent"

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


# What a person reads for a database error, by SQLSTATE class; the technical
# text (SQL, values) is kept apart for Integration Managers only.
PG_CLASS_TEXTS = {
    "22": "A value of the message does not fit the database ({detail}).",
    "23": "The message breaks a database rule ({detail}).",
    "40": "The database was busy with the same records; the engine retries.",
    "55": "The records were locked by another operation; the engine retries.",
    "57": "The database cancelled the operation (timeout); the engine retries.",
}
TEXT_LIMIT = 2000


def safe_text(text, limit=TEXT_LIMIT):
    """Text that PostgreSQL stores: no NUL, no lone surrogate, bounded."""
    text = str(text or "").replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_database_error(pgcode, primary):
    """(kind, human text) for a PostgreSQL error: its class and its primary
    message, never the statement or the values it carried."""
    kind = classify_pgcode(pgcode)
    template = PG_CLASS_TEXTS.get((pgcode or "")[:2])
    if template is None:
        return kind, f"Database error {pgcode or ''}: the message could not be stored."
    return kind, template.format(detail=(primary or "").strip() or pgcode)


def describe_exception(err):
    """(kind, human text, technical text) of an unexpected exception."""
    pgcode = getattr(err, "pgcode", None)
    if pgcode is not None or hasattr(err, "pgerror"):
        diag = getattr(err, "diag", None)
        primary = getattr(diag, "message_primary", None)
        kind, text = describe_database_error(pgcode, primary)
        technical = getattr(err, "pgerror", None) or str(err)
        return kind, text, safe_text(f"{pgcode}: {technical}", limit=8000)
    if isinstance(err, UnicodeError):
        text = (
            "The message holds text that cannot be stored (invalid Unicode, "
            "such as a lone surrogate); the sender must fix it."
        )
    elif isinstance(err, ValueError) and "NUL" in str(err):
        # psycopg2 refuses NUL characters before PostgreSQL sees them
        text = (
            "A value of the message does not fit the database "
            "(it holds a NUL character); the sender must fix it."
        )
    elif isinstance(err, RecursionError):
        text = "The message is nested too deeply to be processed."
    else:
        text = f"Unexpected error ({type(err).__name__}); see the technical details."
    return PERMANENT, text, safe_text(f"{type(err).__name__}: {err}", limit=8000)

"""Verdicts of measured characteristics (pure python)."""

PASS = "pass"
FAIL = "fail"
VERDICTS = (PASS, FAIL)


def _as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def characteristic_verdict(char):
    """Verdict of one characteristic dict.

    An explicit ``verdict`` from the quality system wins; otherwise a numeric
    value is compared to ``lower_limit`` / ``upper_limit`` (inclusive). A value
    that cannot be judged (text without a verdict, no limits) returns None.
    """
    verdict = char.get("verdict")
    if verdict in VERDICTS:
        return verdict
    value = _as_number(char.get("value"))
    lower = _as_number(char.get("lower_limit"))
    upper = _as_number(char.get("upper_limit"))
    if value is None or (lower is None and upper is None):
        return None
    if lower is not None and value < lower:
        return FAIL
    if upper is not None and value > upper:
        return FAIL
    return PASS


def overall_verdict(declared, characteristics):
    """Overall verdict: the declared one, checked against the characteristics.

    Returns ``(verdict, inconsistent_names)``: a declared pass while some
    characteristic fails is kept as the quality system's decision, but the
    failing names are returned so that the inspection can say so.
    Without a declared verdict, any failing characteristic makes it a fail.
    """
    failing = [
        c.get("name") or "?"
        for c in characteristics or []
        if characteristic_verdict(c) == FAIL
    ]
    if declared in VERDICTS:
        inconsistent = failing if declared == PASS else []
        return declared, inconsistent
    return (FAIL if failing else PASS), []

"""Numbers as people read them on the dashboard."""


def duration_ms(ms):
    """``850`` → ``"850 ms"``, ``12400`` → ``"12.4 s"``, ``600000`` → ``"10 min"``."""
    if ms is None:
        return "–"
    ms = float(ms)
    if ms < 1000:
        return f"{ms:.0f} ms"
    if ms <= 60000:
        seconds = ms / 1000
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes = ms / 60000
    return f"{minutes:.1f} min" if minutes < 10 else f"{minutes:.0f} min"


def latency_against_target(p95_ms, target_ms):
    """``"1.2 s (target 60 s)"``; a dash when nothing was measured."""
    measured = duration_ms(p95_ms) if p95_ms else "–"
    if not target_ms:
        return measured
    return f"{measured} (target {duration_ms(target_ms)})"

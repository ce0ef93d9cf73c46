"""Prometheus text exposition format (version 0.0.4), written by hand: a few
families of gauges and one histogram, no client registry needed at run time."""

import math

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Receipt-to-done latency buckets, in seconds (upper bounds, +Inf added).
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


def escape_label(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_value(value):
    if value is None:
        return "NaN"
    value = float(value)
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value.is_integer():
        return str(int(value))
    return repr(value)


def format_labels(labels):
    if not labels:
        return ""
    inner = ",".join(f'{key}="{escape_label(val)}"' for key, val in labels.items())
    return "{" + inner + "}"


class Family:
    """One metric family: its HELP, TYPE and samples."""

    def __init__(self, name, kind, help_text):
        self.name, self.kind, self.help_text = name, kind, help_text
        self.samples = []

    def add(self, labels, value, suffix=""):
        self.samples.append((self.name + suffix, labels, value))

    def add_histogram(self, labels, counts_le, total_sum, total_count):
        """``counts_le``: cumulative counts per bound of LATENCY_BUCKETS."""
        for bound, count in zip(LATENCY_BUCKETS, counts_le, strict=True):
            self.add({**labels, "le": format_value(bound)}, count, "_bucket")
        self.add({**labels, "le": "+Inf"}, total_count, "_bucket")
        self.add(labels, total_sum, "_sum")
        self.add(labels, total_count, "_count")

    def render(self):
        help_text = self.help_text.replace("\\", "\\\\").replace("\n", "\\n")
        lines = [f"# HELP {self.name} {help_text}", f"# TYPE {self.name} {self.kind}"]
        lines += [
            f"{name}{format_labels(labels)} {format_value(value)}"
            for name, labels, value in self.samples
        ]
        return "\n".join(lines)


def render(families):
    return "\n".join(family.render() for family in families) + "\n"

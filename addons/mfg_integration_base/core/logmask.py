"""A logging filter that masks secrets that could reach a log line."""

import logging
import re

PATTERNS = (
    (re.compile(r"whsec_[A-Za-z0-9+/=]+"), "whsec_***"),
    (
        re.compile(
            r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:bearer|basic)\s+)[^\s'\",]+"
        ),
        r"\1***",
    ),
    (re.compile(r"(?i)(webhook-signature['\"]?\s*[:=]\s*['\"]?)[^'\"]+"), r"\1***"),
    (re.compile(r"(?i)(x-api-key['\"]?\s*[:=]\s*['\"]?)[^\s'\",]+"), r"\1***"),
)


def mask_text(text):
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class SecretMaskFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install(logger=None):
    """Add the filter to every handler of ``logger`` (the root by default)."""
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not any(isinstance(f, SecretMaskFilter) for f in handler.filters):
            handler.addFilter(SecretMaskFilter())

"""What an outbound call may follow and what of its answer may be kept.

Credentials stay with their host: a redirect is followed only to the same
origin (scheme, host, port) and only when it keeps the method and body (307,
308). A receiver's answer kept on a message is bounded, has its control
characters escaped and the connector's secrets blanked out."""

import re
from urllib.parse import urljoin, urlsplit

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
FOLLOWED_REDIRECTS = frozenset({307, 308})
MAX_REDIRECTS = 3
EXCERPT_LIMIT = 500
SCRUBBED = "***"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class RedirectRefused(Exception):
    """A redirect the engine does not follow; ``target`` is where it pointed."""

    def __init__(self, status, target, reason):
        super().__init__(f"HTTP {status} redirect to {target} not followed: {reason}")
        self.status = status
        self.target = target


def origin(url):
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


def redirect_target(url, status, location):
    """The URL a redirect may be followed to, or RedirectRefused."""
    if not location:
        raise RedirectRefused(status, "(no Location)", "no target")
    target = urljoin(url, location)
    if origin(target) != origin(url):
        raise RedirectRefused(
            status, target, "another origin would receive the credentials"
        )
    if status not in FOLLOWED_REDIRECTS:
        raise RedirectRefused(status, target, "it would change the POST into a GET")
    return target


def secret_variants(secrets):
    """Each secret as it may be echoed: whole, and a whsec_ key's body."""
    variants = set()
    for secret in secrets:
        if not secret or len(secret) < 4:
            continue
        variants.add(secret)
        if secret.startswith("whsec_") and len(secret) > 10:
            variants.add(secret[len("whsec_") :])
    # longest first, so that a secret containing another is blanked whole
    return sorted(variants, key=len, reverse=True)


def excerpt(text, secrets=(), limit=EXCERPT_LIMIT):
    """A receiver's answer as it may be stored and shown: secrets blanked,
    control characters escaped, bounded."""
    text = str(text or "")
    for secret in secret_variants(secrets):
        text = text.replace(secret, SCRUBBED)
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return text if len(text) <= limit else text[:limit] + "…"

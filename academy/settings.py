"""Settings read from the environment that several packages share.

``ACADEMY_BASE_URL`` is the platform's public address (``https://formation.example.org``, or with a path
when the app is served under one): attestation QR codes and printed links, xAPI identifiers. Pages fall
back to the address the browser used (:mod:`academy.ui.address`); the command line has no browser, so
it refuses to print a link without this setting.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

BASE_URL_ENV = "ACADEMY_BASE_URL"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def base_url() -> str | None:
    """``ACADEMY_BASE_URL`` without surrounding spaces nor trailing slash; None when unset or blank."""
    return os.environ.get(BASE_URL_ENV, "").strip().rstrip("/") or None


def is_local(url: str) -> bool:
    """True when ``url`` points at this machine (localhost, a loopback address): useless to anyone else."""
    host = (urlsplit(url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")

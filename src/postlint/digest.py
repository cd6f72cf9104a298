"""Short, stable digests: what the result cache compares instead of the things themselves."""

from __future__ import annotations

import json
from typing import Any

try:  # the C BLAKE2 that hashlib wraps: importing hashlib also loads OpenSSL, 5 ms of every run
    from _blake2 import blake2b
except ImportError:  # a Python built without it: OpenSSL's
    from hashlib import blake2b

try:  # what hmac.compare_digest is, without hmac (which imports hashlib)
    from _operator import _compare_digest as compare_digest
except ImportError:
    from hmac import compare_digest

__all__ = ["blake2b", "compare_digest", "digest"]


def digest(value: Any) -> str:
    """A 128-bit BLAKE2b digest of bytes, or of a JSON-able value (keys sorted, others by repr);
    a boolean is its own digest."""
    if isinstance(value, bool):  # the site model's most common answer: is this file a page?
        return "true" if value else "false"
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True, default=repr).encode()
    return blake2b(data, digest_size=16).hexdigest()

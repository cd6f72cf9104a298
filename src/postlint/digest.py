"""Short, stable digests: what the result cache compares instead of the things themselves."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def digest(value: Any) -> str:
    """A 128-bit BLAKE2b digest of bytes, or of a JSON-able value (keys sorted, others by repr);
    a boolean is its own digest."""
    if isinstance(value, bool):  # the site model's most common answer: is this file a page?
        return "true" if value else "false"
    data = value if isinstance(value, bytes) else json.dumps(value, sort_keys=True, default=repr).encode()
    return hashlib.blake2b(data, digest_size=16).hexdigest()

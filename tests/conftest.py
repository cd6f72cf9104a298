"""Test-wide guards: no test may reach the network; no index or fact of the site model is
computed from a value the model handed out before it (jekyll/captures.py)."""

from __future__ import annotations

import os
import socket

import pytest

# Set before any test imports postlint, and inherited by the postlint processes tests start.
os.environ["POSTLINT_CHECK_CAPTURES"] = "1"


class NetworkBlocked(RuntimeError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkBlocked("tests must not touch the network")


@pytest.fixture(autouse=True)
def no_cache(monkeypatch, tmp_path_factory):
    """The CLI caches results by default; tests that exercise the cache turn it back on. The
    cache key lives in a folder of the test session's, never in the user's own cache folder."""
    monkeypatch.setenv("POSTLINT_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "user-cache"))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Every test runs with outbound connections and name lookups refused."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)

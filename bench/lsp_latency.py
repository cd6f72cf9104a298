"""How long after an edit do `postlint lsp`'s diagnostics arrive?

Usage: python bench/lsp_latency.py [SITE] [--post REL] [--edits N]

Copies SITE (default: /work/shared/corpus/18f) to a temporary folder, starts the real server
(`python -m postlint lsp`) over stdio, opens one post (default: the site's newest) and waits for
its first diagnostics (the site-wide indexes are built then), then edits it N times (default 10),
each edit appending a sentence, and prints the time from sending didChange to receiving
publishDiagnostics for it: every figure, the median, and the first open. The server debounces
changes (DEBOUNCE_SECONDS, 200 ms), which the figures include.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import make_test_lsp_client

from postlint.lsp.server import DEBOUNCE_SECONDS

DEFAULT_SITE = Path("/work/shared/corpus/18f")


async def wait_for(client, uri: str, started: float, timeout: float = 120) -> float:
    while uri not in client.diagnostics:
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"no diagnostics for {uri} within {timeout}s")
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


async def measure(site: Path, rel: str, edits: int) -> tuple[float, list[float], int]:
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "postlint", "lsp")
    try:
        await client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
        path = site / rel
        uri, text = path.as_uri(), path.read_text(encoding="utf-8")
        started = time.perf_counter()
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id="markdown", version=1, text=text)))
        first = await wait_for(client, uri, started)
        findings = len(client.diagnostics[uri])
        figures = []
        for version in range(2, edits + 2):
            text += f"\nOne more line about the pipeline, edit {version}.\n"
            client.diagnostics.pop(uri, None)
            started = time.perf_counter()
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)]))
            figures.append(await wait_for(client, uri, started))
        return first, figures, findings
    finally:
        await client.shutdown_session()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=DEFAULT_SITE)
    parser.add_argument("--post", help="the post to open, relative to the site (default: the newest in _posts)")
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="postlint-lsp-bench-") as folder:
        site = Path(folder) / "site"
        shutil.copytree(args.site, site, ignore=shutil.ignore_patterns(".postlint_cache", ".git", "_site"))
        rel = args.post or max(p.relative_to(site).as_posix() for p in (site / "_posts").rglob("*.md"))
        first, figures, findings = asyncio.run(measure(site, rel, args.edits))
    print(f"site {args.site}, post {rel} ({findings} findings)")
    print(f"first open (site indexes built): {first * 1000:.0f} ms")
    print("didChange -> publishDiagnostics: " + ", ".join(f"{f * 1000:.0f}" for f in figures) + " ms")
    print(f"median of {len(figures)}: {statistics.median(figures) * 1000:.0f} ms "
          f"(including the {DEBOUNCE_SECONDS * 1000:.0f} ms debounce)")


if __name__ == "__main__":
    main()

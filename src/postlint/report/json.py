"""`--format json`: one JSON array of findings in stable order."""

from __future__ import annotations

import json

from postlint.engine.check import RunResult


def render(result: RunResult) -> str:
    return json.dumps([finding.to_dict() for finding in result.findings], indent=2, ensure_ascii=False) + "\n"

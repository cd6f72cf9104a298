"""One `postlint check` run: resolve paths, sites and config, lint, report, choose the exit code."""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path

from postlint.config import Config, ConfigError, find_config, load_config, resolve_rules
from postlint.engine import RunResult, display_path, lint
from postlint.finding import SEVERITY_RANK
from postlint.registry import Registry, load_registry
from postlint.site import Site, find_site_root

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class RunRequest:
    paths: list[Path]
    config_file: Path | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    fix: bool = False
    debug: bool = False


def registry_for(config_file: Path | None, start: Path) -> tuple[Registry, Config]:
    """The config that applies at `start` (or the given file) and the rules it makes known."""
    path = config_file if config_file is not None else find_config(find_site_root(start.resolve()))
    config = load_config(path)
    return load_registry(config.yaml_rule_dirs), config


def collect_targets(paths: list[Path], config: Config) -> list[tuple[Path, Site]]:
    """Each file to lint with its site; folders expand to their posts. Raises ConfigError."""
    sites: dict[Path, Site] = {}
    targets: dict[Path, Site] = {}
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise ConfigError(f"{given}: no such file or folder")
        resolved = given.resolve()
        root = find_site_root(resolved)
        site = sites.setdefault(root, Site(root))
        files = site.lint_targets(resolved) if resolved.is_dir() else [resolved]
        for path in files:
            rel = display_path(path, site.root)
            if any(fnmatch.fnmatch(rel, pattern) for pattern in config.exclude) and not path == resolved:
                continue
            targets.setdefault(path, site)
    return sorted(targets.items(), key=lambda item: str(item[0]))


def exit_code(result: RunResult, fail_on: str) -> int:
    if result.errors or any(f.internal for f in result.findings):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def lint_request(request: RunRequest) -> tuple[RunResult, str]:
    """Lint what the request names; returns the result and the --fail-on level. Raises ConfigError."""
    registry, config = registry_for(request.config_file, request.paths[0])
    settings = resolve_rules(config, registry, request.select, request.ignore)
    targets = collect_targets(request.paths, config)
    result = lint(targets, settings, config, fix=request.fix, debug=request.debug)
    result.errors.extend(registry.load_errors)
    result.errors.extend(sorted({site.config_error for _, site in targets if site.config_error}))
    return result, request.fail_on or config.fail_on or "error"


def execute(request: RunRequest, output_format: str, show_source: bool = True) -> int:
    """Run and print the report; returns the exit code."""
    try:
        result, fail_on = lint_request(request)
    except ConfigError as exc:
        print(f"postlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if output_format == "json":
        from postlint.report import json as json_report

        sys.stdout.write(json_report.render(result))
        for error in result.errors:
            print(f"postlint: error: {error}", file=sys.stderr)
    else:
        from rich.console import Console

        from postlint.report import text

        console = Console(highlight=False)
        text.write_findings(console, result, show_source)
        text.write_summary(console, result)
    return exit_code(result, fail_on)

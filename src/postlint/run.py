"""One `postlint check` run: resolve paths, sites and config, pick the changed files, lint, apply
the baseline, report, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from postlint.config import Config, RuleSetting, find_config, load_config, resolve_rules
from postlint.engine.cache import (
    read_installed_memo,
    read_rules_memo,
    save_installed_memo,
    save_rules_memo,
    save_yaml_memo,
    secret_key,
    use_yaml_memo,
)
from postlint.engine.check import (
    RunResult,
    display_path,
    lint,
    printable,
    result_caches,
)
from postlint.errors import ChangesError, ConfigError
from postlint.finding import SEVERITY_RANK
from postlint.installed import looked_up_once
from postlint.jekyll.site import Site, find_site_root
from postlint.parse.frontmatter import YAML_MEMO
from postlint.record import Record
from postlint.registry import Registry, Rule, RuleMemo, load_registry
from postlint.visible import one_line

if TYPE_CHECKING:
    from postlint.baseline import BaselineMatch
    from postlint.changes import Changes, Selection
    from postlint.report.text import TextView

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class RunRequest(Record):
    """What the command line asks of one run."""
    __slots__ = ("paths", "config_file", "select", "ignore", "fail_on", "fix", "debug", "changed_since", "baseline",
                 "write_baseline", "jobs", "use_cache", "diff", "progress", "staged", "force_exclude")

    paths: list[Path]
    config_file: Path | None
    select: list[str]
    ignore: list[str]
    fail_on: str | None
    fix: bool
    debug: bool
    changed_since: str | None  # a git ref: lint only what changed since (see changes.py)
    baseline: Path | None  # hide the findings this baseline file records
    write_baseline: Path | None  # record today's findings in this file
    jobs: int | None  # processes for a run over many files, or a few of a large site (default: one per CPU)
    use_cache: bool  # reuse results from .postlint_cache/ (the CLI turns it on)
    diff: bool  # write nothing: collect the diff of the fixes rules offer (--diff)
    progress: Callable[[int, int], None] | None  # told (files done, files in all) as files are done
    # The pre-commit hook: `paths` are the files to lint (none: none), plus the posts whose links
    # the staged change breaks (see changes.py).
    staged: bool
    force_exclude: bool  # `exclude` leaves out files named in `paths` too, not only files found in folders

    def __init__(self, paths: list[Path], config_file: Path | None = None, select: list[str] | None = None,
                 ignore: list[str] | None = None, fail_on: str | None = None, fix: bool = False, debug: bool = False,
                 changed_since: str | None = None, baseline: Path | None = None, write_baseline: Path | None = None,
                 jobs: int | None = None, use_cache: bool = False, diff: bool = False,
                 progress: Callable[[int, int], None] | None = None, staged: bool = False,
                 force_exclude: bool = False) -> None:
        self.paths = paths
        self.config_file = config_file
        self.select = [] if select is None else select
        self.ignore = [] if ignore is None else ignore
        self.fail_on = fail_on
        self.fix = fix
        self.debug = debug
        self.changed_since = changed_since
        self.baseline = baseline
        self.write_baseline = write_baseline
        self.jobs = jobs
        self.use_cache = use_cache
        self.diff = diff
        self.progress = progress
        self.staged = staged
        self.force_exclude = force_exclude


class RunOutcome(Record):
    """What one run found and decided, for the reporters and the exit code."""
    __slots__ = ("result", "fail_on", "settings", "checked", "baseline", "baseline_written", "targets", "referrers",
                 "unnamed_staged", "gate_changed", "gate_suppressions")

    result: RunResult  # findings after the baseline
    fail_on: str
    settings: list[RuleSetting]
    checked: list[str]  # every linted file, as findings name it
    baseline: BaselineMatch | None
    baseline_written: int | None  # entries written by --write-baseline
    targets: list[tuple[Path, Site]]  # each linted file with its site
    referrers: list[str]  # linted for the links the change broke, as findings name them
    unnamed_staged: int  # --staged without paths: the staged posts and pages it did not lint
    gate_changed: list[str]  # --changed-since: the configuration files the branch changes (not applied)
    gate_suppressions: list[str]  # --changed-since: the inline suppressions the branch adds (honoured)

    def __init__(self, result: RunResult, fail_on: str, settings: list[RuleSetting], checked: list[str],
                 baseline: BaselineMatch | None = None, baseline_written: int | None = None,
                 targets: list[tuple[Path, Site]] | None = None, referrers: list[str] | None = None,
                 unnamed_staged: int = 0, gate_changed: list[str] | None = None,
                 gate_suppressions: list[str] | None = None) -> None:
        self.result = result
        self.fail_on = fail_on
        self.settings = settings
        self.checked = checked
        self.baseline = baseline
        self.baseline_written = baseline_written
        self.targets = [] if targets is None else targets
        self.referrers = [] if referrers is None else referrers
        self.unnamed_staged = unnamed_staged
        self.gate_changed = [] if gate_changed is None else gate_changed
        self.gate_suppressions = [] if gate_suppressions is None else gate_suppressions


def resolve_given(path: Path) -> Path:
    """`path` made absolute with its folders resolved. A file keeps its own name even when it is
    a symbolic link: the site decides whether it may be read (a link out of the site is not), and
    a symlink loop is reported as unreadable instead of crashing the run."""
    try:
        if path.is_dir():
            return path.resolve()
    except OSError:
        pass
    return path.absolute().parent.resolve() / path.name


def registry_for(config_file: Path | None, start: Path, memo: RuleMemo | None = None) -> tuple[Registry, Config]:
    """The config that applies at `start` (or the given file) and the rules it makes known
    (postlint's own from `memo`, when it holds them)."""
    path = config_file if config_file is not None else find_config(find_site_root(resolve_given(start)))
    config = load_config(path)
    return load_registry(config.yaml_rule_dirs, memo), config


def site_at(root: Path, config: Config, rules: Iterable[Rule], sites: dict[Path, Site]) -> Site:
    """The site at `root`, made once per run (`sites`, by root, gains it), reusing the bytes of
    the config and YAML rule files already read."""
    site = sites.get(root)
    if site is None:
        already_read = {Path(rule.origin): rule.source for rule in rules if rule.source}
        if config.path is not None:
            already_read[config.path] = config.source
        already_read.update((path, data) for path, data in config.base_files.items() if data is not None)
        site = sites[root] = Site(root, config.max_file_size, already_read=already_read,
                                  config_folder=config.path.parent if config.path else None,
                                  languages=config.site.get("languages"),
                                  withheld=[path for path, data in config.base_files.items() if data is None])
    return site


def collect_targets(paths: list[Path], config: Config, rules: Iterable[Rule] = (),
                    force_exclude: bool = False, sites: dict[Path, Site] | None = None) -> list[tuple[Path, Site]]:
    """Each file to lint with its site; folders expand to their posts, less those `exclude` leaves
    out (and a file named in `paths` too, with `force_exclude`). Raises ConfigError.

    The sites reuse the bytes of the config and YAML rule files already read, and `sites` (by
    root), which gains the sites made here.
    """
    sites = {} if sites is None else sites
    targets: dict[Path, Site] = {}
    for given in paths:
        if not given.exists() and not given.is_symlink():
            raise ConfigError(f"{given}: no such file or folder")
        _refuse_a_folder_leading_out_of_its_repository(given)
        resolved = resolve_given(given)
        site = site_at(find_site_root(resolved), config, rules, sites)
        files = site.lint_targets(resolved) if resolved.is_dir() else [resolved]
        for path in files:
            if (force_exclude or path != resolved) and config.is_excluded(display_path(path, site.root)):
                continue
            targets.setdefault(path, site)
    return sorted(targets.items(), key=lambda item: str(item[0]))


def _refuse_a_folder_leading_out_of_its_repository(given: Path) -> None:
    """A folder named on the command line (or a file's folder) that lies in a git repository as
    written must stay in it once its links are followed: a pull request that commits `blog ->
    /etc` must not have the run read /etc as the site, nor write its cache there. Raises
    ConfigError. Looked into only when a link is in the way (the real path differs)."""
    written = Path(os.path.abspath(given))
    folder = written if given.is_dir() else written.parent
    real = Path(os.path.realpath(folder))
    if real == folder:
        return
    for above in (folder, *folder.parents):
        if (above / ".git").exists():
            top = Path(os.path.realpath(above))
            if not real.is_relative_to(top):
                raise ConfigError(f"{given}: a symbolic link leads out of the repository {above} (to {real}); not linted")
            return


def exit_code(result: RunResult, fail_on: str) -> int:
    if result.errors or any(f.internal for f in result.findings):
        return EXIT_ERROR
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK[f.severity] >= threshold for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def run_request(request: RunRequest) -> RunOutcome:
    """Lint what the request names. Raises ConfigError (or ChangesError for --changed-since and --staged)."""
    if not request.use_cache:
        with looked_up_once():
            return _run_request(request)
    secret = secret_key()
    kept = read_installed_memo(secret)
    with looked_up_once(kept) as lookups:
        use_yaml_memo(secret)
        rules_memo = read_rules_memo(secret)
        try:
            return _run_request(request, rules_memo)
        finally:
            save_yaml_memo(secret)
            save_rules_memo(secret, rules_memo)
            save_installed_memo(secret, lookups, kept)
            YAML_MEMO.stop()


def _run_request(request: RunRequest, rules_memo: RuleMemo | None = None) -> RunOutcome:
    if request.staged and request.changed_since is not None:
        raise ConfigError("--staged and --changed-since both choose the files from git; use one of them")
    if request.write_baseline is not None and (request.changed_since is not None or request.staged):
        raise ConfigError("--write-baseline records every finding of the site; it cannot be combined with "
                          f"{'--staged' if request.staged else '--changed-since'}")
    # git and baselines are imported only by the runs that ask for them (a tenth of a cached run's start-up)
    if request.staged or request.changed_since is not None:
        from postlint.changes import (
            file_at_base,
            git_changes,
            select_changed,
            staged_changes,
        )
    if request.baseline is not None or request.write_baseline is not None:
        from postlint.baseline import (
            apply_baseline,
            load_baseline,
            parse_baseline,
            write_baseline,
        )
    changes = staged_changes(Path.cwd()) if request.staged else None
    start = request.paths[0] if request.paths else _first_site(changes)
    gate_changed: list[str] = []
    if request.changed_since is not None:  # a gate: the configuration is the merge base's (gate.py)
        from postlint.gate import added_suppressions, gated_registry

        changes = git_changes(request.changed_since, start.resolve())
        # The site's folder as given, its links unresolved: they are the branch's (gate.py).
        gated = gated_registry(request.config_file, find_site_root(Path(os.path.abspath(start))), changes, rules_memo)
        registry, config, gate_changed = gated.registry, gated.config, gated.changed
    else:
        registry, config = registry_for(request.config_file, start, rules_memo)
    settings = resolve_rules(config, registry, request.select, request.ignore)
    sites: dict[Path, Site] = {}
    targets = collect_targets(request.paths, config, registry.rules.values(), request.force_exclude, sites)
    cwd = Path.cwd()
    # The caches are read before the change is weighed: what select_changed asks of the sites (the
    # addresses of each touched post, now and at the base) then comes from their facts and parses.
    with result_caches(targets, settings, config, use_cache=request.use_cache, fix=request.fix,
                       diff=request.diff) as caches:
        selection = None
        if request.changed_since is not None:
            selection = select_changed(targets, changes, config)
        elif changes is not None:  # the hook's files are the ones to lint; referrers may be anywhere in the sites touched
            roots = changes.touched_sites()
            touched = [site_at(find_site_root(resolve_given(root)), config, registry.rules.values(), sites)
                       for root in roots]
            selection = select_changed(targets, changes, config, touched,
                                       lambda: collect_targets(roots, config, registry.rules.values(), sites=sites))
        gate_baseline = request.baseline is not None and changes is not None and bool(changes.base)
        if gate_baseline:
            _refuse_a_baseline_leading_out(request.baseline, changes)
        entries = load_baseline(request.baseline) if request.baseline is not None else None
        at_merge_base = None
        if entries is not None and gate_baseline:  # a change may shrink the baseline, never grow it
            before = file_at_base(changes, request.baseline)
            at_merge_base = parse_baseline(before, f"{request.baseline} at the merge base") if before is not None else Counter()
        linted = selection.changed if selection is not None else targets
        result = lint(linted, settings, config, fix=request.fix, diff=request.diff, debug=request.debug, cwd=cwd,
                      jobs=request.jobs, progress=request.progress, caches=caches)
    referrers = selection.referrers if selection is not None else []
    if referrers:
        _add_findings(result, _broken_links(selection, settings, config, request, cwd))
    all_targets = sorted(linted + referrers, key=lambda item: str(item[0]))
    result.errors.add_all(registry.errors)
    result.errors.add_all(sorted({site.config_error for _, site in all_targets if site.config_error}))
    unnamed = _staged_posts(changes) if changes is not None and request.staged and not request.paths else []
    outcome = RunOutcome(result, request.fail_on or config.fail_on or "error", settings,
                         [display_path(path, cwd) for path, _ in all_targets], targets=all_targets,
                         referrers=[display_path(path, cwd) for path, _ in referrers], unnamed_staged=len(unnamed),
                         gate_changed=gate_changed,
                         gate_suppressions=added_suppressions(changes, linted, cwd) if request.changed_since is not None else [])
    # A referrer ran the link rules on the references to what the change moved only: its baseline
    # entries are neither stale nor replaced, just not looked at.
    fully_linted = {display_path(path, cwd) for path, _ in linted}
    codes_run = {setting.rule.code for setting in settings}
    if request.write_baseline is not None:
        outcome.baseline_written = write_baseline(request.write_baseline, result.findings, cwd, fully_linted, codes_run)
    elif entries is not None:
        # A gate's baseline names files from its folder as given: a branch that made it a link
        # into another folder would have the base's entries match that folder's files.
        folder = Path(os.path.abspath(request.baseline)).parent if gate_baseline else request.baseline.resolve().parent
        outcome.baseline = apply_baseline(result.findings, entries, folder, cwd, fully_linted, codes_run, at_merge_base)
        result.findings = outcome.baseline.kept
    return outcome


def _refuse_a_baseline_leading_out(baseline: Path, changes: Changes) -> None:
    """A gate reads nothing outside the repository: not a baseline the branch links out of it."""
    real = Path(os.path.realpath(baseline))
    if not real.is_relative_to(changes.top):
        raise ConfigError(f"{baseline}: the baseline leads out of the repository ({real}); not read")


def _staged_posts(changes: Changes) -> list[Path]:
    """The staged Markdown and HTML files still in the work tree. The hook names the staged files
    it lints (none when its own filters leave none); by hand, `postlint --staged` alone lints none
    of these, which the run says (_staged_notes)."""
    from postlint.parse.post import POST_EXTENSIONS

    return [path for path in changes.changed if path.suffix.lower() in POST_EXTENSIONS and path.is_file()]


def _first_site(changes: Changes | None) -> Path:
    """Where to look for the config when no path is given: the first site the change touched."""
    touched = changes.touched_sites() if changes is not None else []
    return touched[0] if touched else Path(".")


def _broken_links(selection: Selection, settings: list[RuleSetting], config: Config, request: RunRequest,
                  cwd: Path) -> RunResult:
    """The link findings in the referrers at their references to what the change moved: the links it
    broke. Their other findings were there before the change, so they are not its business."""
    from postlint.changes import LINK_FAMILY

    links = [setting for setting in settings if setting.rule.code.startswith(LINK_FAMILY)]
    result = lint(selection.referrers, links, config, debug=request.debug, cwd=cwd, jobs=request.jobs)
    wanted = {(printable(display_path(path, cwd)), line, column)
              for path, positions in selection.positions.items() for line, column in positions}
    result.findings = [f for f in result.findings if f.internal or (f.path, f.line, f.column) in wanted]
    return result


def _add_findings(result: RunResult, more: RunResult) -> None:
    result.findings = sorted(result.findings + more.findings, key=lambda f: f.sort_key)
    result.files_checked += more.files_checked
    result.seconds += more.seconds
    result.errors.add_all(more.errors)


def lint_request(request: RunRequest) -> tuple[RunResult, str]:
    """Lint what the request names; returns the result and the --fail-on level. Raises ConfigError."""
    outcome = run_request(request)
    return outcome.result, outcome.fail_on


def _nothing_found_notes(request: RunRequest, outcome: RunOutcome) -> list[str]:
    """A warning, as ruff prints one, when the paths named hold nothing to check: a mistyped
    folder in a CI step would otherwise pass as a clean run. A change that touches no post
    (--changed-since, --staged) is not one."""
    if outcome.targets or request.changed_since is not None or request.staged:
        return []
    named = ", ".join(str(path) for path in request.paths) or "."
    return [f"warning: no posts or pages to check under {named} (a folder's posts and drafts, or its Markdown and "
            "HTML files when it has none; see `exclude`)"]


def _staged_notes(outcome: RunOutcome) -> list[str]:
    if not outcome.unnamed_staged:
        return []
    count = outcome.unnamed_staged
    return [f"note: --staged lints the files named (the pre-commit hook names the staged ones); {count} staged "
            f"Markdown or HTML file{'s' if count != 1 else ''} {'were' if count != 1 else 'was'} not named, so not "
            "checked"]


def _referrer_notes(outcome: RunOutcome) -> list[str]:
    if not outcome.referrers:
        return []
    count = len(outcome.referrers)
    shown = ", ".join(outcome.referrers[:5]) + (f" and {count - 5} more" if count > 5 else "")
    return [(f"Also checked {count} file{'s' if count != 1 else ''} for the links this change broke (to a post or page "
             f"it renamed, deleted, unpublished or moved; link rules only): {shown}.")]


SUPPRESSIONS_LISTED = 10  # the note names this many of the suppressions a branch adds


def _gate_notes(request: RunRequest, outcome: RunOutcome) -> list[str]:
    notes = []
    if outcome.gate_changed:
        notes.append(f"warning: this branch changes postlint's configuration ({', '.join(outcome.gate_changed)}); "
                     f"with --changed-since {request.changed_since} the run uses it as the merge base has it: a pull "
                     "request cannot change what gates it (its changes apply once merged)")
    added = outcome.gate_suppressions
    if added:
        more = len(added) - SUPPRESSIONS_LISTED
        notes.append(f"note: this branch adds {len(added)} inline suppression{'s' if len(added) != 1 else ''}, "
                     f"honoured as an author's exceptions: {', '.join(added[:SUPPRESSIONS_LISTED])}"
                     f"{f' and {more} more' if more > 0 else ''}; a reviewer should see that each hides a "
                     "finding that is wrong")
    return notes


def _baseline_notes(request: RunRequest, outcome: RunOutcome) -> list[str]:
    notes = []
    if outcome.baseline_written is not None:
        count = outcome.baseline_written
        findings = len([f for f in outcome.result.findings if not f.internal])
        notes.append(f"Wrote {count} baseline entr{'y' if count == 1 else 'ies'} "
                     f"({findings} finding{'s' if findings != 1 else ''}) to {request.write_baseline}.")
    match = outcome.baseline
    if match is not None:
        if match.hidden:
            notes.append(f"{match.hidden} finding{'s' if match.hidden != 1 else ''} hidden by the baseline {request.baseline}.")
        if match.stale:
            count = sum(n for _, n in match.stale)
            notes.append(f"note: {count} baseline entr{'y no longer matches' if count == 1 else 'ies no longer match'} "
                         f"(fixed?); run with --write-baseline {request.baseline} to shrink it:")
            notes.extend(f"  {file}  {code}  {fingerprint!r}" + (f" ×{n}" if n > 1 else "")
                         for (file, code, fingerprint), n in match.stale)
        if match.not_honoured:
            count = sum(n for _, n in match.not_honoured)
            notes.append(f"warning: {count} baseline entr{'y' if count == 1 else 'ies'} added on this branch "
                         f"{'is' if count == 1 else 'are'} not honoured with --changed-since: a pull request may shrink "
                         f"the baseline, not grow it (a maintainer regenerates it with --write-baseline on the main branch):")
            notes.extend(f"  {file}  {code}  {fingerprint!r}" + (f" ×{n}" if n > 1 else "")
                         for (file, code, fingerprint), n in match.not_honoured)
    return notes


def execute(request: RunRequest, output_format: str, output_file: Path | None = None,
            view: TextView | None = None) -> int:
    """Run and report; returns the exit code.

    The report goes to stdout, or to `output_file` while the terminal gets the text summary.
    Machine formats on stdout keep stdout parseable: notes and errors then go to stderr. `view`
    shapes the text report (layout, colour, --quiet, --statistics). With `request.diff`, stdout
    gets the diff of the fixes instead, and the exit code is 1 when there is something to fix.
    """
    from postlint import report
    from postlint.report import text

    view = view or text.TextView()
    try:
        outcome = run_request(request)
    except (ConfigError, ChangesError) as exc:
        print(f"postlint: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    result = outcome.result
    notes = [one_line(note) for note in _nothing_found_notes(request, outcome) + _staged_notes(outcome)
             + _referrer_notes(outcome) + _baseline_notes(request, outcome) + _gate_notes(request, outcome)]  # they quote file names
    if outcome.baseline_written is not None:  # recording, not gating: the findings are now accepted
        for line in notes:
            print(line, file=sys.stderr)
        for error in result.errors:
            print(f"postlint: error: {error}", file=sys.stderr)
        return EXIT_ERROR if exit_code(result, "error") == EXIT_ERROR else EXIT_OK
    if request.diff:
        try:
            text.write_diff_report(result, view)
        except OSError as exc:
            return _report_lost(exc)
        return EXIT_ERROR if exit_code(result, "error") == EXIT_ERROR else EXIT_FINDINGS if result.fixes else EXIT_OK
    rendered = None
    if output_format != "text" or output_file is not None:
        if output_format == "text":
            rendered = text.render(result, view)
        else:
            rendered = report.render(output_format, result, rules=[s.rule for s in outcome.settings],
                                     checked=outcome.checked, cwd=Path.cwd(), settings=outcome.settings,
                                     targets=outcome.targets)
    if output_file is not None:
        try:
            output_file.write_text(rendered, encoding="utf-8")
        except OSError as exc:
            print(f"postlint: error: cannot write {output_file}: {exc.strerror or exc}", file=sys.stderr)
            return EXIT_ERROR
    try:
        if output_format == "text" or output_file is not None:
            console = text.make_output(view.color)
            if output_file is None:
                text.write_findings(console, result, view)
            text.write_summary(console, result, view)
            for line in [] if view.quiet else notes:
                text.write_line(console, line)
            if output_file is not None and not view.quiet:
                text.write_line(console, f"Wrote the {output_format} report to {output_file}.")
        else:
            sys.stdout.write(rendered)
            if result.fixes and not view.quiet:
                text.write_fixes(text.make_output(view.color, stderr=True), result, "Fixed")
            for line in [] if view.quiet else notes:
                print(line, file=sys.stderr)
            for error in result.errors:
                print(f"postlint: error: {error}", file=sys.stderr)
        sys.stdout.flush()
    except OSError as exc:
        return _report_lost(exc)
    return exit_code(result, outcome.fail_on)


def _report_lost(exc: OSError) -> int:
    """The report could not be written (a full disk, a closed pipe): one line, exit code 2, and
    standard output pointed at nothing so that the interpreter's last flush fails silently."""
    from postlint.report.text import stdout_to_null

    print(f"postlint: error: cannot write the report to standard output: {exc.strerror or exc}", file=sys.stderr)
    stdout_to_null()
    return EXIT_ERROR

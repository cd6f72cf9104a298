"""Every error postlint raises on purpose, and the one collector of run-level errors.

Two kinds of trouble reach the user, and each has one path:
- about one file (it cannot be read, a rule crashed on it): a finding on that file (PL002,
  PL001), made by the engine; the other files are still checked;
- about the run (the configuration, a rule plugin, _config.yml, git): a message in `RunErrors`,
  which every report prints and which makes the exit code 2. A `ConfigError` raised before any
  file is checked stops the run at once, also with exit code 2.
"""

from __future__ import annotations


class PostlintError(Exception):
    """Base of the errors postlint raises on purpose; the message is written for people."""


class ConfigError(PostlintError):
    """A configuration the run cannot trust (`.postlint.yaml`, a rule option, a baseline file);
    the message says where and why."""


class ChangesError(PostlintError):
    """Git cannot answer `--changed-since`: not a repository, an unknown ref, no merge base."""


class UnsafePattern(ConfigError, ValueError):
    """A user's regular expression refused at load time; the message says why."""


class YamlRuleError(ConfigError, ValueError):
    """A YAML rule file that does not describe a valid rule."""


class YamlError(PostlintError, ValueError):
    """A YAML document (a config, _config.yml, a rule or glossary file) that cannot be loaded;
    the message is PyYAML's, or names the limit the document broke."""


class SchemaError(ConfigError):
    """The front-matter JSON Schema cannot be read or is not JSON."""


class UnreadableFile(PostlintError):
    """The file's bytes are not text postlint can lint; the message says why."""


class MarkdownTooComplex(UnreadableFile):
    """A Markdown body that parses into more elements than postlint checks
    (parse/markdown.py, MAX_MARKDOWN_ELEMENTS); `rel` names the post, once known."""

    def __init__(self, message: str, rel: str | None = None) -> None:
        super().__init__(message)
        self.rel = rel


class NotUtf8(UnreadableFile):
    """The file's bytes are not UTF-8 text, after an optional UTF-8 byte-order mark: Jekyll, which
    reads every file that way, cannot read it either (and leaves such a post out)."""


class PatternTimeout(PostlintError, RuntimeError):
    """Matching ran out of its time budget on one file."""


class FixRefused(PostlintError):
    """Fixes were not written; the message says why."""


class RunErrors(list[str]):
    """Run-level errors in the order found, each once, each one visible line (they may quote a
    file name or a config key from the repository). Reports print them; any makes exit code 2."""

    def add(self, message: str) -> None:
        from postlint.visible import one_line

        message = one_line(message)
        if message not in self:
            self.append(message)

    def add_all(self, messages) -> None:
        for message in messages:
            self.add(message)

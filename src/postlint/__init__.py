"""postlint: a content linter and SEO auditor for Jekyll blogs."""

__version__ = "0.1.0"

"""postlint: a content linter and SEO auditor for Jekyll blogs."""

__version__ = "0.2.13"

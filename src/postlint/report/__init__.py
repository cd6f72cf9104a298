"""Reporters: one module per output format, each `render(result, ...) -> str` or a console writer."""

FORMATS = ("text", "json")

"""Built-in rules, one module per family; each module is a `postlint.rules` entry point."""

"""`postlint lsp`: the language server (see server.py). Imported only by that command."""

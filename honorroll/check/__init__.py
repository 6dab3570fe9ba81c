"""One check run over a content repository (parallel reading, every rule, all diagnostics at once) and its data-only cache."""

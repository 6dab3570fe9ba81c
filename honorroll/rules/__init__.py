"""The programme's rules, each a function from content to diagnostics."""

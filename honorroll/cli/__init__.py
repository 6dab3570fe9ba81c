"""The ``honorroll`` command line (Chinese help and errors) and its output formats: terminal, GitHub, JUnit, GitLab, reports."""

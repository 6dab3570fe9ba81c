"""Print and office outputs made from the archive: the annual book (PDF) and recommendation dossiers (.docx).

Python builds plain data here; the markup and the look live in ``honorroll/theme/book/``, which a site
overrides file by file from its ``theme.custom_dir``.
"""

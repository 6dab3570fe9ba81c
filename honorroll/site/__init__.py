"""The site's page data, made from the checked archive: URLs, view models for the templates, the search index,
QR codes, images, open data, the Traditional edition. Plain data only: the markup is in ``honorroll/theme/``,
and MkDocs is reached only through ``honorroll.engine``.
"""

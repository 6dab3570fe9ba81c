"""Turning the checked archive into the site's pages."""

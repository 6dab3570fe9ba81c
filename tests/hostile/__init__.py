"""Hostile input: what an editor's slip or a pull request's author can put in the content repository."""

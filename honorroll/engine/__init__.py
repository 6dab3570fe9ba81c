"""The engine adapter: the only package that imports MkDocs (besides the settings declaration in ``honorroll.config``).

``plugin`` wires MkDocs' events, ``files`` adds the generated pages and files, ``chrome`` renders the theme's frame,
``project`` reads ``mkdocs.yml`` without a build, ``output`` stages the build and swaps it in atomically.
Moving to another engine means replacing this folder.
"""

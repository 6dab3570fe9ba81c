"""What an archive is: files and their layout, YAML, the front-matter schema, the content model, photos.

Nothing here renders a page or imports MkDocs; the rules and the site read the model built here.
"""

"""The published site: an MkDocs plugin that generates the incident database's pages.

`plugin.py` is the MkDocs front end; `pages/` holds one module per page family
(named after the URL it makes); `charts.py` draws the SVG charts; `html.py`
escapes and sanitises record text. Pages are generated at build time and never
written to the repository.
"""

"""The published site: an MkDocs plugin that generates the incident database's pages.

`plugin.py` is the MkDocs front end; `pages/` holds one module per page family
(named after the URL it makes), each building a `generated.GeneratedPage` of
HTML blocks; `html.py` escapes, links and sanitises record text; `widgets.py`
holds the shared tables and badges; `charts.py` draws the SVG charts. Pages
are generated at build time and never written to the repository.
"""

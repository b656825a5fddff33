"""Writing new records from the templates: incidents, post-mortems, eval cases.

One module per record kind; `render` holds what they share (templates, YAML
quoting, slugs, the never-clobbering write). The core raises
`incidentkit.errors` exceptions and never prompts or prints: the CLI does.
"""

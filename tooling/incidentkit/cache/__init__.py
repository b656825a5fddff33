"""The lint cache: each file's records and file-rule findings, kept by content.

`store.LintCache` answers `load_repository`'s `read_through` hook: a file
whose bytes (and the configuration, schemas, rules and tool that read them)
are unchanged comes back from one SQLite database instead of being parsed,
validated and checked again; the repository-wide rules then run over the
records as usual. `index` turns one file's records into compact JSON and
back; `location` finds where the database lives (the git directory).
"""

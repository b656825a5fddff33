"""Records: reading incident, post-mortem and eval files into documents and typed views."""

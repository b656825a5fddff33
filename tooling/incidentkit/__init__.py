"""incidentkit: incidents, post-mortems and incident-derived regression evals, as code."""

__version__ = "0.1.0"

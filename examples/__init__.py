"""Example agents for incidentkit's demonstration (`make demo`); not part of the package."""

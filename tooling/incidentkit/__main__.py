"""`python -m incidentkit`: the same command as `incidentkit`."""

from incidentkit.cli import main

if __name__ == "__main__":
    main()

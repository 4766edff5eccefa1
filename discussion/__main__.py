"""`python -m discussion` runs the same entry point as the console script."""

from discussion.cli import main

raise SystemExit(main())

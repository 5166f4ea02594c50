"""`python -m pipeline` is the `claims` command."""

from .cli import main

raise SystemExit(main())

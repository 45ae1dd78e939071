"""Run claimlint as ``python -m claimlint``."""

from .cli import main

raise SystemExit(main())

"""Run claimlint as ``python -m claimlint``."""

from .cli import run

run()

"""Reporters: pure functions from findings (and rule metadata) to text."""

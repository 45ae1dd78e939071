"""Hostile-input campaign: seeded generators and the checks run over claimlint (issue 11)."""

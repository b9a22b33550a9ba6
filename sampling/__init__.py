"""Sampling: eligibility, allocation of quotas, the reproducible draw and assignment."""

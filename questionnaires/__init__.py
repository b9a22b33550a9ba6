"""Questionnaires in XLSForm: parsing, the expression subset, versions."""

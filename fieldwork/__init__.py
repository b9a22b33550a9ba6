"""Fieldwork: who collects the data (enumerators' profiles and coverage) and how far it has got."""

from .enumerators import Enumerator, enumerators, is_absent, set_available
from .progress import unit_progress

__all__ = ["Enumerator", "enumerators", "is_absent", "set_available", "unit_progress"]

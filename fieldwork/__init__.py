"""Fieldwork: who collects the data (enumerators' profiles and coverage) and how far it has got."""

from .enumerators import Enumerator, enumerators
from .progress import unit_progress

__all__ = ["Enumerator", "enumerators", "unit_progress"]

"""Monthly results: the arithmetic of indices, response rates, rankings and grades."""

from . import arithmetic

__all__ = ["arithmetic"]

"""Study tools: quiz questions, spaced review, citations and notes (nothing from discord)."""

from bot.study.study import Study

__all__ = ["Study"]

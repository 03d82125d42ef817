"""Study tools: quiz questions, spaced review, citations and notes (nothing from discord)."""

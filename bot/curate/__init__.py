"""Drafting a reading from an article: the text's structure, its quotations and speakers, candidate
concepts, written in the data format for a curator to review. Imports nothing from discord."""

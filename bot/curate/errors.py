"""The one fault a curator's source can have."""


class SourceError(Exception):
    """The source cannot be drafted from; the message says why, in one line."""

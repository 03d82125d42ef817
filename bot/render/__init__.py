"""The one renderer: the only code that turns store answers into Discord messages (embeds,
text, choices). Its rooms: text.py (escaping, clipping, errors, choices), pages.py (paging),
lookups.py (the lookup commands' answers), excerpts.py (daily excerpts and schedules),
library.py (the library and syllabi)."""

from bot.render.excerpts import (
    UNSCHEDULED_TEXT,
    excerpt_embed,
    excerpt_mention,
    posted_text,
    preview_pages,
    schedule_embed,
    skipped_text,
    thread_name,
)
from bot.render.library import library_pages, syllabus_pages
from bot.render.lookups import (
    concept_pages,
    expert_pages,
    overview_pages,
    publication_pages,
    quote_embed,
    search_pages,
)
from bot.render.pages import LazyPages, ShownPages
from bot.render.text import (
    choices,
    clean,
    clip,
    embed_text,
    help_embed,
    refusal_text,
    shared_by_text,
    unexpected_error_text,
    user_error_text,
)

__all__ = [
    "UNSCHEDULED_TEXT",
    "LazyPages",
    "ShownPages",
    "choices",
    "clean",
    "clip",
    "concept_pages",
    "embed_text",
    "excerpt_embed",
    "excerpt_mention",
    "expert_pages",
    "help_embed",
    "library_pages",
    "overview_pages",
    "posted_text",
    "preview_pages",
    "publication_pages",
    "quote_embed",
    "refusal_text",
    "schedule_embed",
    "search_pages",
    "shared_by_text",
    "skipped_text",
    "syllabus_pages",
    "thread_name",
    "unexpected_error_text",
    "user_error_text",
]

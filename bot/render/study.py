"""The study tools' messages: quiz questions and answers, the leaderboard, review cards and
figures, reminders, citations, notes (as pages and as a Markdown file) and forgetting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import discord
from discord import app_commands

from bot.limits import (
    BUTTON_LABEL_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FOOTER_MAX,
    EMBED_TITLE_MAX,
)
from bot.render.pages import paginate
from bot.render.text import COLOUR, clean, clip
from bot.study.citations import STYLES, Citation
from bot.study.notes import Note
from bot.study.questions import KINDS
from bot.study.quiz import Answered, Asked, Score
from bot.study.reminders import Reminder
from bot.study.review import Card, DeckStats, Rated
from bot.study.study import NotesView

RIGHT_COLOUR = discord.Colour.green()
WRONG_COLOUR = discord.Colour.red()
LETTERS = "ABCD"
PROMPT_MAX = 1200  # characters of a question's prompt shown
TABLE_NAMES = {
    "quiz_questions": "quiz questions",
    "quiz_scores": "quiz scores",
    "review_cards": "review cards",
    "review_reminders": "review reminders",
    "notes": "notes",
}


def _embed(title: str, description: str, footer: str = "", colour: discord.Colour = COLOUR):
    embed = discord.Embed(
        title=clip(title, EMBED_TITLE_MAX),
        description=clip(description, EMBED_DESCRIPTION_MAX),
        colour=colour,
    )
    if footer:
        embed.set_footer(text=clip(footer, EMBED_FOOTER_MAX))
    return embed


def _when(instant: datetime) -> str:
    """A time every member sees in their own zone, and how far off it is."""
    seconds = int(instant.timestamp())
    return f"<t:{seconds}:f> (<t:{seconds}:R>)"


# Quiz


def option_label(text: str) -> str:
    return clip(" ".join(text.split()), BUTTON_LABEL_MAX - 3)


def question_embed(asked: Asked) -> discord.Embed:
    question = asked.question
    options = "\n".join(
        f"**{LETTERS[i]}.** {clean(option)}" for i, option in enumerate(question.options)
    )
    # The prompt gives way to the options: as text (no Embed Links) a page holds 2000 characters.
    return _embed(
        f"Quiz · {KINDS[question.kind]}",
        f"{clip(clean(question.prompt), PROMPT_MAX)}\n\n{options}",
        f"{asked.reading_title} · question {asked.number} · only the member who asked answers",
    )


def answered_embed(answered: Answered) -> discord.Embed:
    question, score = answered.asked.question, answered.score
    right = f"**{LETTERS[question.answer]}. {clean(question.right)}**"
    if answered.correct:
        title, lines = "Right!", [f"The answer is {right}."]
    else:
        chose = clean(question.options[answered.chosen])
        title, lines = (
            "Not quite",
            [f"You chose {LETTERS[answered.chosen]}. {chose}; it is {right}."],
        )
    if not answered.first_time:
        lines.insert(0, "*You had answered this question already: this is that answer.*")
    source = question.source
    embed = _embed(
        title,
        "\n".join(lines),
        f"{answered.asked.reading_title} · streak {score.streak} (best {score.best_streak}) · "
        f"{score.correct} of {score.answered} right",
        RIGHT_COLOUR if answered.correct else WRONG_COLOUR,
    )
    said = f"“{clean(source.text)}”" if question.kind in ("speaker", "gap") else clean(source.text)
    embed.add_field(name=clip(clean(source.heading), 256), value=clip(said, EMBED_FIELD_VALUE_MAX))
    if source.passage:
        where = f"From the reading · {source.section}" if source.section else "From the reading"
        embed.add_field(
            name=clip(clean(where), 256), value=clip(clean(source.passage), EMBED_FIELD_VALUE_MAX)
        )
    return embed


def board_embed(scores: Sequence[Score], mine: Score) -> discord.Embed:
    if scores:
        lines = [
            f"{n}. <@{s.member_id}> — {s.correct} of {s.answered} right, best streak "
            f"{s.best_streak}"
            for n, s in enumerate(scores, start=1)
        ]
    else:
        lines = ["Nobody is on this server's leaderboard yet: /quiz join puts you on it."]
    status = "You are on it" if mine.on_board else "You are not on it (/quiz join)"
    return _embed(
        "Quiz leaderboard",
        "\n".join(lines),
        f"{status} · you: {mine.correct} of {mine.answered} right, streak {mine.streak}",
    )


def board_membership_text(score: Score) -> str:
    if score.on_board:
        return "You are on this server's quiz leaderboard now: /quiz scores shows it."
    return "You are off this server's quiz leaderboard: your scores are yours alone."


# Review


def card_front_embed(card: Card, note: str = "") -> discord.Embed:
    face = card.face
    if card.kind == "concept":
        title, description = "What does this mean?", f"**{clean(face.front)}**"
    else:
        title, description = "Who said it?", f"“{clean(face.front)}”"
    if note:
        description = f"{note}\n\n{description}"
    state = "new card" if card.new else f"reviewed {card.reviews} time(s)"
    return _embed(f"Review · {title}", description, f"{face.reading_title} · {state}")


def card_back_embed(card: Card) -> discord.Embed:
    embed = card_front_embed(card)
    face = card.face
    answer = clean(face.back) if card.kind == "concept" else f"**{clean(face.back)}**"
    if face.detail:
        answer += f"\n*{clean(face.detail)}*"
    embed.add_field(name="Answer", value=clip(answer, EMBED_FIELD_VALUE_MAX), inline=False)
    embed.add_field(name="How well did you know it?", value="Again · Hard · Good · Easy")
    return embed


def rated_note(rated: Rated) -> str:
    if not rated.first_time:
        return f"*Already rated: next due {_when(rated.next_due)}.*"
    return f"*{rated.rating.capitalize()}: next due {_when(rated.next_due)}.*"


def stats_embed(stats: DeckStats, title: str = "Your review deck") -> discord.Embed:
    retention = "—" if stats.retention is None else f"{stats.retention:.0%}"
    lines = [
        f"**Due today:** {stats.due_today}",
        f"**Learned:** {stats.learned} of {stats.total} cards",
        f"**Predicted retention now:** {retention}",
    ]
    if stats.next_due is not None:
        lines.append(f"**Next due:** {_when(stats.next_due)}")
    return _embed(title, "\n".join(lines), "Scheduled by FSRS · only you see this")


def nothing_due_embed(stats: DeckStats, note: str = "") -> discord.Embed:
    """The deck's figures when no card is due, under `note` (how the last rating went)."""
    embed = stats_embed(stats, "Nothing to review now")
    if note:
        embed.description = clip(f"{note}\n\n{embed.description}", EMBED_DESCRIPTION_MAX)
    return embed


def added_text(added: bool) -> str:
    if added:
        return "Added to your review deck: /review next shows it."
    return "That is in your review deck already."


def reminder_text(guild_name: str, stats: DeckStats) -> str:
    return clip(
        f"Time to review ({clean(guild_name)}): {stats.due_today} card(s) due today. "
        "Use /review next on that server.",
        2000,
    )


def reminder_set_text(reminder: Reminder) -> str:
    return (
        f"I'll remind you by direct message daily at {reminder.local_time} "
        f"({clean(reminder.timezone)}), once a day; /review remind-off stops it. "
        "Allow direct messages from this server's members to receive it."
    )


def reminder_off_text(removed: bool) -> str:
    return "Reminder off." if removed else "You had no reminder on this server."


# Citations


def style_choices() -> list[app_commands.Choice[str]]:
    """The citation styles, as a command's fixed choices."""
    return [app_commands.Choice(name=label, value=key) for key, label in STYLES.items()]


def citation_embed(citation: Citation, what: str) -> discord.Embed:
    if citation.style == "bibtex":
        body = f"```bibtex\n{citation.reference.replace('```', '')}\n```"
    else:
        body = citation.reference
    embed = _embed(f"Citation · {STYLES[citation.style]}", body, clip(what, 500))
    if citation.in_text:
        name = "First note" if citation.style == "chicago-notes" else "In the text"
        embed.add_field(name=name, value=clip(citation.in_text, EMBED_FIELD_VALUE_MAX))
    return embed


# Notes


def saved_text(saved: bool) -> str:
    return "Saved to your notes: /notes list shows them." if saved else "Already in your notes."


def _note_readings(note: Note, titles: Mapping[str, str]) -> str:
    names = [titles.get(r, r) for r in note.readings]
    return " · ".join(names) if names else "no single reading"


def notes_pages(view: NotesView) -> list[discord.Embed]:
    """The member's notes, grouped by reading (each group newest first)."""
    notes, titles = view.notes, view.titles
    if not notes:
        return [_embed("Your notes", "No notes yet: the Save button on any answer keeps one.")]
    grouped: dict[str, list[Note]] = {}
    for note in notes:
        grouped.setdefault(_note_readings(note, titles), []).append(note)
    fields = [
        (f"{clip(group, 200)} · {note.title}", f"<t:{note.saved_at}:d>\n{note.body}")
        for group, kept in grouped.items()
        for note in kept
    ]
    description = f"{len(notes)} note(s), by reading, newest first."
    return paginate("Your notes", description, fields, "Only you see your notes")


def notes_markdown(export: NotesView) -> str:
    """The notes as a Markdown file: grouped by reading, each with its reading's citation."""
    notes, titles, citations = export.notes, export.titles, export.citations
    lines = ["# My Reading Room notes", ""]
    grouped: dict[str, list[Note]] = {}
    for note in notes:
        grouped.setdefault(_note_readings(note, titles), []).append(note)
    for group, kept in grouped.items():
        lines += [f"## {group}", ""]
        for note in kept:
            saved = datetime.fromtimestamp(note.saved_at, UTC).strftime("%Y-%m-%d")
            lines += [f"### {note.title}", "", f"*Saved {saved}*", "", note.body, ""]
            cited = [citations[r].reference for r in note.readings if r in citations]
            lines += [f"> Source: {reference}" for reference in cited] or ["> Source: —"]
            lines.append("")
    return "\n".join(lines)


# Forgetting


def forget_prompt(held: Mapping[str, int]) -> str:
    total = sum(held.values())
    if not total:
        return "I keep nothing about you on this server."
    kept = ", ".join(f"{n} {TABLE_NAMES.get(t, t)}" for t, n in held.items() if n)
    return f"I keep {kept} about you on this server. Delete all of it? This cannot be undone."


def forgotten_text(counts: Mapping[str, int]) -> str:
    deleted = ", ".join(f"{n} {TABLE_NAMES.get(t, t)}" for t, n in counts.items())
    return f"Done: deleted {deleted}. Nothing about you is kept on this server now."

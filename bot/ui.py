"""Sending rendered pages: paging and Share buttons that keep no state, and safe replies.

A button's custom id names the answer and the page it turns to, with the answer's arguments;
a click asks the answer again and shows that page. Nothing is kept per answer, so memory does
not grow with traffic and the buttons still work after a restart. Arguments too long for a
custom id are kept in a small bounded table instead (a button past it asks to ask again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

import discord

from bot import render
from bot.limits import CUSTOM_ID_MAX, MESSAGE_CONTENT_MAX
from bot.store.errors import UserError

log = logging.getLogger(__name__)

# How every lookup's `reading` option describes itself.
READING_OPTION = "Only this reading (default: this server's syllabus, or the whole library)"
Args = Sequence[str]  # what an answer was asked with, as the command's options gave them
Pages = Sequence[discord.Embed]
# Remakes an answer's pages from the interaction and the arguments it was first asked with.
PageMaker = Callable[[discord.Interaction, Args], Awaitable[Pages]]
# The buttons that keep what page `page` of an answer's pages shows (Save, Add to review): made
# from the pages themselves (see render.ShownPages), so that a button keeps what its page shows.
Items = list[discord.ui.Item[discord.ui.View]]
KeepMaker = Callable[[discord.Interaction, Pages, int], Items]
LONG_ARGUMENTS_KEPT = 500  # answers whose arguments do not fit in a custom id...
LONG_ARGUMENTS_MAX = 2000  # ...and are no longer than this (characters of JSON)
EXPIRED = "This answer is too old to turn its pages: ask again."
NOT_YOURS = "Only the person who asked can use these buttons."


class Answers:
    """The answers whose pages can be turned, by name, and the few long arguments kept."""

    def __init__(self) -> None:
        self._makers: dict[str, tuple[PageMaker, int]] = {}
        self._keepers: dict[str, KeepMaker] = {}
        self._unsaved: set[str] = set()  # answers of the member's own data: nothing to keep
        self._long: OrderedDict[str, list[str]] = OrderedDict()
        # The buttons every private answer's page has (the Save button), made for the page.
        self.keep_any: Callable[[], Items] = list

    def register(
        self,
        name: str,
        maker: PageMaker,
        arity: int,
        keep: KeepMaker | None = None,
        kept: bool = True,
    ) -> None:
        """`maker` remakes the answer `name` from its `arity` arguments; `keep` makes the
        buttons that keep what one of its pages shows, beside the ones every answer has (none
        when not `kept`)."""
        self._makers[name] = (maker, arity)
        if not kept:
            self._unsaved.add(name)
        if keep is not None:
            self._keepers[name] = keep

    def keep(self, interaction: discord.Interaction, name: str, pages: Pages, page: int) -> Items:
        """The buttons that keep page `page` of `pages`, the answer `name`."""
        keeper = self._keepers.get(name)
        own = keeper(interaction, pages, page) if keeper is not None else []
        return own if name in self._unsaved else [*self.keep_any(), *own]

    async def pages(
        self, interaction: discord.Interaction, name: str, arguments: Sequence[str]
    ) -> Sequence[discord.Embed] | None:
        """The answer's pages, asked again; None for an answer or arguments it never gave."""
        maker, arity = self._makers.get(name, (None, -1))
        if maker is None or len(arguments) != arity:
            return None
        return await maker(interaction, arguments)

    def encode(self, arguments: Sequence[str], room: int) -> str:
        """The arguments as custom-id text in at most `room` characters."""
        text = json.dumps(list(arguments), ensure_ascii=False, separators=(",", ":"))
        if len(text) <= room:
            return text
        key = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
        if len(text) <= LONG_ARGUMENTS_MAX:
            self._long[key] = list(arguments)
            self._long.move_to_end(key)
            while len(self._long) > LONG_ARGUMENTS_KEPT:
                self._long.popitem(last=False)
        return f"#{key}"

    def decode(self, text: str) -> list[str] | None:
        """The arguments from custom-id text; None when they are no longer kept."""
        if text.startswith("#"):
            return self._long.get(text[1:])
        try:
            arguments = json.loads(text)
        except ValueError:
            return None
        if not isinstance(arguments, list) or not all(isinstance(a, str) for a in arguments):
            return None
        return arguments


def answers_of(interaction: discord.Interaction) -> Answers:
    answers = getattr(interaction.client, "answers", None)
    assert isinstance(answers, Answers), "the client keeps the Answers"
    return answers


class TurnButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"rr:page:(?P<answer>[a-z_]+):(?P<page>\d+):(?P<arguments>.*)",
):
    """Previous or Next: shows page `page` of the answer asked again."""

    def __init__(self, label: str, answer: str, page: int, arguments: str, disabled: bool):
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"rr:page:{answer}:{page}:{arguments}",
                disabled=disabled,
            )
        )
        self.answer, self.page, self.arguments = answer, page, arguments

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> TurnButton:
        return cls(item.label or "", match["answer"], int(match["page"]), match["arguments"], False)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _is_asker(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        answers = answers_of(interaction)
        arguments = answers.decode(self.arguments)
        try:
            pages = (
                None
                if arguments is None
                else await answers.pages(interaction, self.answer, arguments)
            )
        except UserError as error:  # the content changed since: say what the command says
            await send_private(interaction, render.user_error_text(error))
            return
        if arguments is None or not pages:
            await send_private(interaction, EXPIRED)
            return
        page = min(self.page, len(pages) - 1)
        kept = answers.keep(interaction, self.answer, pages, page)
        view = page_view(answers, self.answer, arguments, page, len(pages), True, kept)
        await interaction.response.edit_message(**as_page(interaction, pages[page]), view=view)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button], template=r"rr:share"):
    """Posts the page the asker sees to the channel, for everyone."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Share", style=discord.ButtonStyle.primary, custom_id="rr:share"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ShareButton:
        return cls()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await _is_asker(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:
        message = interaction.message
        assert message is not None  # a button is on a message
        shared_by = render.shared_by_text(interaction.user)
        if message.embeds:
            await send_embed(interaction, message.embeds[0], ephemeral=False, content=shared_by)
        else:
            text = render.clip(f"{shared_by}\n{message.content}", MESSAGE_CONTENT_MAX)
            await interaction.response.send_message(text)


BUTTONS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (TurnButton, ShareButton)


async def _is_asker(interaction: discord.Interaction) -> bool:
    """Whether the one clicking asked for the answer (Discord shows it to them alone; a
    shared page has no buttons)."""
    message = interaction.message
    asker = message.interaction_metadata if message is not None else None
    if asker is None or asker.user.id == interaction.user.id:
        return True
    await interaction.response.send_message(NOT_YOURS, ephemeral=True)
    return False


def scoped(interaction: discord.Interaction) -> dict[str, Any]:
    """What narrows an autocomplete to the readings the command would answer from: the server
    (its syllabus) and the `reading` option typed so far."""
    return {"guild_id": interaction.guild_id, "reading": interaction.namespace.reading or ""}


def page_view(
    answers: Answers,
    answer: str,
    arguments: Sequence[str],
    page: int,
    count: int,
    shareable: bool,
    kept: Sequence[discord.ui.Item[discord.ui.View]] = (),
) -> discord.ui.View | None:
    """The buttons for page `page` of `count`: Previous and Next when there are pages to turn,
    Share and those that keep the page (`kept`) when only the asker sees the answer; None
    when there is no button to show."""
    view = discord.ui.View(timeout=None)
    if count > 1:
        room = CUSTOM_ID_MAX - len(f"rr:page:{answer}:{count}:")
        encoded = answers.encode(arguments, room)
        previous, following = max(0, page - 1), min(count - 1, page + 1)
        view.add_item(TurnButton("Previous", answer, previous, encoded, disabled=page == 0))
        view.add_item(TurnButton("Next", answer, following, encoded, page == count - 1))
    if shareable:
        view.add_item(ShareButton())
        for item in kept:
            view.add_item(item)
    # Finished before it is sent, discord.py keeps nothing of it (nor a 15-minute timer for a
    # private answer): the buttons' class, registered at start, answers every click.
    view.stop()
    return view if view.children else None


async def send_answer(
    interaction: discord.Interaction, answer: str, arguments: Sequence[str]
) -> None:
    """Reply, only to the asker, with the first page of the registered `answer`."""
    answers = answers_of(interaction)
    pages = await answers.pages(interaction, answer, arguments)
    assert pages, f"{answer} is registered with {len(arguments)} arguments and answers"
    kept = answers.keep(interaction, answer, pages, 0)
    await send_pages(
        interaction, pages, ephemeral=True, answer=answer, arguments=arguments, kept=kept
    )


async def send_pages(
    interaction: discord.Interaction,
    pages: Sequence[discord.Embed],
    *,
    ephemeral: bool,
    answer: str = "",
    arguments: Sequence[str] = (),
    kept: Items | None = None,
) -> None:
    """Reply with the first page; buttons turn the pages of a registered `answer` (asked again
    with `arguments`), Share posts an answer only the asker sees, and `kept` (by default the
    buttons every answer has) keep what it shows."""
    answers = answers_of(interaction)
    count = len(pages) if answer else 1
    kept = answers.keep_any() if kept is None else kept
    view = page_view(answers, answer, arguments, 0, count, ephemeral, kept)
    extra = {"view": view} if view is not None else {}
    await interaction.response.send_message(
        **as_page(interaction, pages[0]), ephemeral=ephemeral, **extra
    )


async def send_embed(
    interaction: discord.Interaction,
    embed: discord.Embed,
    *,
    ephemeral: bool,
    content: str | None = None,
    allowed_mentions: discord.AllowedMentions | None = None,
) -> None:
    """One page, no buttons: as an embed, or as text where the bot lacks Embed Links."""
    page = as_page(interaction, embed)
    if content:
        text = f"{content}\n{page['content']}" if "content" in page else content
        page["content"] = render.clip(text, MESSAGE_CONTENT_MAX)
    extra = {"allowed_mentions": allowed_mentions} if allowed_mentions else {}
    await interaction.response.send_message(**page, ephemeral=ephemeral, **extra)


def as_page(interaction: discord.Interaction, page: discord.Embed) -> dict[str, Any]:
    """The page as an embed, or as text where the bot lacks Embed Links in this channel: the
    keyword arguments of a send or an edit."""
    if interaction.app_permissions.embed_links:
        return {"embed": page}
    return {"content": render.embed_text(page)}


async def send_private(interaction: discord.Interaction, text: str) -> None:
    """An ephemeral text reply that works whether or not the interaction was answered already."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error (interaction %s)", interaction.id)


@contextlib.asynccontextmanager
async def private_errors(interaction: discord.Interaction) -> AsyncIterator[None]:
    """A button's work: a user error (a question gone, a card not yours) is told to the one who
    clicked, privately, as a command's would be."""
    try:
        yield
    except UserError as error:
        await send_private(interaction, render.user_error_text(error))

"""An expert found by name or surname, with their quotes (on a topic when asked)."""

from __future__ import annotations

import json

from bot.store.answers import RESULT_LIMIT, ExpertEntry, ExpertRole
from bot.store.codec import speaker_from_json
from bot.store.database import fetch_all
from bot.store.errors import NotFoundError, UserError, shown
from bot.store.normalize import topic_key, words
from bot.store.quotes import ATTRIBUTED_JOINS, ON_TOPIC, attributed_quote, by_speaker
from bot.store.reader import ContentReader
from bot.store.scope import Scope, in_scope

_SPEAKER, _QUOTE = range(2)  # the parts of an expert answer
# The speakers with a lookup key, then the first of their quotes that match (chosen from the
# index before the join, so only those are read) and how many match: one round trip. Columns:
# part, row, reading, item, detail (a speaker's topics, a quote's speaker), section and total
# (a quote's).
_EXPERT_SQL = f"""
SELECT {_SPEAKER} AS part, s.rowid AS row, s.reading AS reading, s.item AS item,
    s.topics AS detail, NULL AS section, NULL AS total
FROM lookup_keys k JOIN speakers s ON s.rowid = k.target
WHERE k.kind = 'speaker' AND k.key = :speaker AND {{scope}}
UNION ALL
SELECT {_QUOTE}, q.rowid, q.reading, q.item, s.item, p.section,
    (SELECT count(*) FROM quotes q WHERE {{where}})
FROM (SELECT q.rowid FROM quotes q WHERE {{where}} ORDER BY q.rowid LIMIT :limit) AS first
JOIN quotes q ON q.rowid = first.rowid {ATTRIBUTED_JOINS}
ORDER BY 1, 2
"""


class Experts(ContentReader):
    """Speakers by full name or surname, each with the first of their quotes. One person quoted
    in several readings is one expert: each reading's wording of the role, the quotes grouped
    by reading."""

    async def expert(self, name: str, topic: str = "", scope: Scope = None) -> ExpertEntry:
        """An expert in `scope` found by full name or surname, with their quotes (on `topic`
        if given)."""
        key = " ".join(words(name))
        if not key:
            raise UserError("Type the name of an expert quoted in the reading.")
        where = f"{by_speaker(scope)} AND {ON_TOPIC}" if topic else by_speaker(scope)
        rows = await fetch_all(
            self.connection,
            _EXPERT_SQL.format(where=where, scope=in_scope("k.reading", scope)),
            {"speaker": key, "topic": topic_key(topic), "limit": RESULT_LIMIT},
        )
        speakers = [row for row in rows if row["part"] == _SPEAKER]
        if not speakers:
            raise NotFoundError(
                f"No expert called “{shown(name)}” in the readings.",
                await self._suggestions.closest("speaker", name, scope=scope),
            )
        names = sorted({json.loads(row["item"])["name"] for row in speakers})
        if len(names) > 1:
            raise NotFoundError(f"“{shown(name)}” could be {', '.join(names)}: pick one.", names)
        topics = sorted(
            {t: None for row in speakers for t in json.loads(row["detail"])}, key=str.casefold
        )
        quotes = [
            attributed_quote(
                row["item"], row["detail"], row["section"], self._readings[row["reading"]]
            )
            for row in rows[len(speakers) :]
        ]
        if topic and not quotes:
            raise NotFoundError(f"{names[0]} has no quotes on “{shown(topic)}”.", topics[:5])
        roles = tuple(
            ExpertRole(
                self._readings[row["reading"]].title,
                speaker_from_json(row["item"]),
                self._readings[row["reading"]].id,
            )
            for row in speakers
        )
        return ExpertEntry(
            speaker=roles[0].speaker,
            reading=roles[0].reading,
            roles=roles,
            topic=topic,
            quotes=tuple(quotes),
            total=rows[-1]["total"] if quotes else 0,
            topics=tuple(topics),
        )

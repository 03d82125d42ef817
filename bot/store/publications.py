"""The publisher's related publications, newest first, by topic and type."""

from __future__ import annotations

from bot.store.answers import RESULT_LIMIT, PublicationEntry, PublicationList
from bot.store.codec import item_from_json
from bot.store.database import fetch_all
from bot.store.errors import NotFoundError
from bot.store.models import Publication
from bot.store.normalize import topic_key
from bot.store.reader import ContentReader
from bot.store.scope import Scope, in_scope


class Publications(ContentReader):
    """Publications filtered by topic and type, the newest of them read first."""

    async def publications(
        self, topic: str = "", kind: str = "", scope: Scope = None
    ) -> PublicationList:
        """Related publications in `scope`, newest first, filtered by topic and type when
        given."""
        where, params = [] if scope is None else [in_scope("reading", scope)], []
        if topic:
            where.append(
                "rowid IN (SELECT target FROM topics WHERE kind = 'publication' AND key = ?)"
            )
            params.append(topic_key(topic))
        if kind:
            where.append("type_key = ?")
            params.append(topic_key(kind))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        # The newest rows are chosen first, so only those rows' items are read and sorted.
        rows = await fetch_all(
            self.connection,
            f"SELECT p.reading, p.item, (SELECT count(*) FROM publications {clause}) AS total "
            f"FROM (SELECT rowid FROM publications {clause} ORDER BY date DESC, rowid LIMIT ?) "
            "AS newest JOIN publications p ON p.rowid = newest.rowid ORDER BY p.date DESC, p.rowid",
            (*params, *params, RESULT_LIMIT),
        )
        if not rows:
            label = "publication_topic" if topic else "publication_type"
            raise NotFoundError(
                "No related publications match those filters.",
                await self._suggestions.closest(label, topic or kind, scope=scope),
            )
        entries = tuple(
            PublicationEntry(
                publication=item_from_json(Publication, row["item"]),
                reading=self._readings[row["reading"]].title,
            )
            for row in rows
        )
        return PublicationList(entries, rows[0]["total"])

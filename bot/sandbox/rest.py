"""REST plumbing every route module shares: the API prefix, the keys a request and reply carry,
JSON replies, reading request bodies (JSON or multipart with files) and the upload size limit."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import BodyPartReader, web

from bot.limits import ATTACHMENT_SIZE_MAX
from bot.sandbox.errors import ApiError
from bot.sandbox.records import InteractionRecord

API_PREFIX = "/api/v10"
BODY: web.RequestKey[Any] = web.RequestKey("sandbox_body", object)  # the JSON body, or None
# Uploaded files: field, filename, size, content_type and content (the bytes; never sent as JSON).
FILES = web.RequestKey("sandbox_files", list)
INTERACTION = web.RequestKey("sandbox_interaction", InteractionRecord)
JSON = web.ResponseKey("sandbox_json", object)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON reply whose Content-Type is exactly application/json (discord.py insists)."""
    response = web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    response[JSON] = data
    return response


def no_content() -> web.Response:
    """An empty 204 reply."""
    return web.Response(status=204)


async def read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
    """The JSON body (or multipart payload_json) and any uploaded files, bytes included."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        body: Any = None
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                content = await part.read()
                content_type = part.headers.get("Content-Type")
                files.append(
                    {
                        "field": part.name,
                        "filename": part.filename,
                        "size": len(content),
                        "content_type": content_type,
                        "content": bytes(content),
                    }
                )
        return body, files
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        raise ApiError(400, 50109, "The request body contains invalid JSON.") from None


def check_uploads(files: list[dict[str, Any]]) -> None:
    """Refuse, as Discord does (413, 40005), a request with a file over the upload limit."""
    if any(file["size"] > ATTACHMENT_SIZE_MAX for file in files):
        raise ApiError(413, 40005, "Request entity too large")

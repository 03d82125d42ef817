"""REST routes a bot uses to answer interactions: the callback (3 s, once only) and the
interaction webhook's followups, fetches, edits and deletes (15 min)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aiohttp import web

from bot.limits import INTERACTION_RESPONSE_WINDOW as INITIAL_RESPONSE_WINDOW
from bot.limits import INTERACTION_TOKEN_LIFETIME
from bot.sandbox import messages
from bot.sandbox.errors import ApiError
from bot.sandbox.message_checks import (
    autocomplete_problems,
    is_empty_message,
    message_problems,
    modal_problems,
)
from bot.sandbox.protocol import (
    APPLICATION_COMMAND,
    APPLICATION_COMMAND_AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    CHAT_INPUT_COMMAND_MESSAGE,
    DEFAULT_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE_MESSAGE,
    FLAG_EPHEMERAL,
    FLAG_IS_COMPONENTS_V2,
    FLAG_LOADING,
    FLAG_SUPPRESS_EMBEDS,
    FLAG_SUPPRESS_NOTIFICATIONS,
    MESSAGE_COMPONENT,
    MODAL,
    MODAL_SUBMIT,
    UPDATE_MESSAGE,
)
from bot.sandbox.records import InteractionRecord
from bot.sandbox.rest import BODY, FILES, INTERACTION, check_uploads, json_response, no_content
from bot.sandbox.world import World

MESSAGE_FLAGS = (
    FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFICATIONS | FLAG_IS_COMPONENTS_V2
)
# Interaction type -> response types Discord accepts for it.
ALLOWED_RESPONSES = {
    APPLICATION_COMMAND: {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
        MODAL,
    },
    APPLICATION_COMMAND_AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {
        CHANNEL_MESSAGE,
        DEFERRED_CHANNEL_MESSAGE,
        DEFERRED_UPDATE_MESSAGE,
        UPDATE_MESSAGE,
    },
}
UPDATES = (DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE)
WEBHOOK = "/webhooks/{app_id:\\d+}/{token}"


class ResponseHost(Protocol):
    """What the response routes use of the server: the interactions it sent, and its clock."""

    world: World
    clock: Callable[[], float]
    interactions_by_id: dict[int, InteractionRecord]
    interactions_by_token: dict[str, InteractionRecord]

    async def dispatch_message(self, event: str, message: Mapping[str, Any]) -> None: ...


class ResponseRoutes:
    """POST .../callback, and the interaction webhook (followups, @original and edits)."""

    def __init__(self, host: ResponseHost) -> None:
        self.host = host
        self.world = host.world

    def routes(self) -> list[web.RouteDef]:
        """aiohttp route definitions, relative to the API prefix."""
        return [
            web.post("/interactions/{interaction_id:\\d+}/{token}/callback", self.callback),
            web.post(WEBHOOK, self.followup),
            web.get(WEBHOOK + "/messages/{message_id}", self.get_message),
            web.patch(WEBHOOK + "/messages/{message_id}", self.edit_message),
            web.delete(WEBHOOK + "/messages/{message_id}", self.delete_message),
        ]

    # lookups

    def _for_callback(self, request: web.Request) -> InteractionRecord:
        record = self.host.interactions_by_id.get(int(request.match_info["interaction_id"]))
        if record is None or record.token != request.match_info["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        request[INTERACTION] = record
        return record

    def _for_webhook(self, request: web.Request) -> InteractionRecord:
        record = self.host.interactions_by_token.get(request.match_info["token"])
        if record is None or int(request.match_info["app_id"]) != self.world.application_id:
            raise ApiError(404, 10015, "Unknown Webhook")
        request[INTERACTION] = record
        if self.host.clock() - record.created_at > INTERACTION_TOKEN_LIFETIME:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        if not record.responses:
            raise ApiError(404, 10015, "Unknown Webhook")
        return record

    def _target(self, request: web.Request, record: InteractionRecord) -> int:
        raw = request.match_info["message_id"]
        message_id = record.original_id if raw == "@original" else int(raw) if raw.isdigit() else 0
        known = {record.original_id, *record.message_ids}
        if not message_id or message_id not in known or message_id not in self.world.messages:
            raise ApiError(404, 10008, "Unknown Message")
        return message_id

    def _check_message(self, body: dict[str, Any], files: list, prefix: str = "") -> None:
        check_uploads(files)
        problems = message_problems(body)
        if problems:
            raise ApiError.invalid_form(problems, prefix)
        if is_empty_message({**body, "files": files}):
            raise ApiError(400, 50006, "Cannot send an empty message")

    def _new_message(
        self, record: InteractionRecord, body: dict[str, Any], files: list, flags: int
    ) -> dict[str, Any]:
        payload = record.payload
        metadata: dict[str, Any] = {
            "id": str(record.id),
            "type": record.type,
            "user": payload["member"]["user"],
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        if "message" in payload:
            metadata["interacted_message_id"] = payload["message"]["id"]
        if record.original_id:
            metadata["original_response_message_id"] = str(record.original_id)
        application_id = str(self.world.application_id)
        is_command = record.type == APPLICATION_COMMAND
        message = messages.create_message(
            self.world,
            int(payload["channel_id"]),
            body,
            files=files,
            type_=CHAT_INPUT_COMMAND_MESSAGE if is_command else DEFAULT_MESSAGE,
            flags=flags,
            extra={
                "webhook_id": application_id,
                "application_id": application_id,
                "interaction_metadata": metadata,
            },
            visible=not flags & FLAG_EPHEMERAL,
        )
        record.message_ids.append(int(message["id"]))
        return message

    # the initial response

    async def callback(self, request: web.Request) -> web.Response:
        """The initial response: 3 s window, once only, validated like Discord does."""
        record = self._for_callback(request)
        if self.host.clock() - record.created_at > INITIAL_RESPONSE_WINDOW:
            raise ApiError(404, 10062, "Unknown interaction")
        if record.responses:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = request[BODY] or {}
        files = request[FILES]
        kind = body.get("type")
        data: dict[str, Any] = body.get("data") or {}
        allowed = ALLOWED_RESPONSES.get(record.type, set())
        if kind not in allowed:
            raise ApiError.invalid_form(
                [f"type: response type {kind} is not valid for interaction type {record.type}"]
            )
        if kind in UPDATES and "message" not in record.payload:
            raise ApiError.invalid_form([f"type: response type {kind} needs a message to update"])
        if kind == CHANNEL_MESSAGE:
            self._check_message(data, files, "data.")
        if kind == UPDATE_MESSAGE:
            check_uploads(files)
            current = self.world.messages.get(int(record.payload["message"]["id"]), {})
            if is_empty_message({**current, **data, "files": files}):
                raise ApiError(400, 50006, "Cannot send an empty message")
        checker = {
            UPDATE_MESSAGE: message_problems,
            AUTOCOMPLETE_RESULT: autocomplete_problems,
            MODAL: modal_problems,
        }.get(kind)
        problems = checker(data) if checker else []
        if problems:
            raise ApiError.invalid_form(problems, "data.")

        record.responses.append({"type": kind, "data": copy.deepcopy(data)})
        message: dict[str, Any] | None = None
        flags = int(data.get("flags") or 0) & MESSAGE_FLAGS
        if kind == CHANNEL_MESSAGE:
            message = self._new_message(record, data, files, flags)
            record.original_id = int(message["id"])
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            message = self._new_message(record, {}, [], (flags & FLAG_EPHEMERAL) | FLAG_LOADING)
            record.original_id = int(message["id"])
            record.loading = True
        elif kind in UPDATES:
            record.original_id = int(record.payload["message"]["id"])
            if kind == UPDATE_MESSAGE and record.original_id in self.world.messages:
                message = messages.edit_message(self.world, record.original_id, data, files)
                record.edits.append({"message_id": str(record.original_id), "body": data})
        if message is not None:
            event = "MESSAGE_UPDATE" if kind == UPDATE_MESSAGE else "MESSAGE_CREATE"
            await self.host.dispatch_message(event, message)
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return no_content()
        interaction = {
            "id": str(record.id),
            "type": record.type,
            "response_message_id": str(record.original_id) if record.original_id else None,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
            "response_message_ephemeral": bool(message and message["flags"] & FLAG_EPHEMERAL),
        }
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            resource["message"] = message
        return json_response({"interaction": interaction, "resource": resource})

    # the webhook

    async def followup(self, request: web.Request) -> web.Response:
        """A followup; the first one after a defer replaces the "thinking" message."""
        record = self._for_webhook(request)
        body = request[BODY] or {}
        files = request[FILES]
        self._check_message(body, files)
        if record.loading and record.original_id in self.world.messages:
            message = messages.edit_message(self.world, record.original_id, body, files)
            message["edited_timestamp"] = None
            record.loading = False
            event = "MESSAGE_UPDATE"
        else:
            flags = int(body.get("flags") or 0) & MESSAGE_FLAGS
            message = self._new_message(record, body, files, flags)
            event = "MESSAGE_CREATE"
        record.followups.append(copy.deepcopy(message))
        await self.host.dispatch_message(event, message)
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(message)
        return no_content()

    async def get_message(self, request: web.Request) -> web.Response:
        """@original or a followup."""
        record = self._for_webhook(request)
        return json_response(self.world.messages[self._target(request, record)])

    async def edit_message(self, request: web.Request) -> web.Response:
        """Edit @original or a followup."""
        record = self._for_webhook(request)
        message_id = self._target(request, record)
        body = request[BODY] or {}
        check_uploads(request[FILES])
        problems = message_problems(body)
        if problems:
            raise ApiError.invalid_form(problems)
        merged = {**self.world.messages[message_id], **body, "files": request[FILES]}
        if is_empty_message(merged):
            raise ApiError(400, 50006, "Cannot send an empty message")
        message = messages.edit_message(self.world, message_id, body, request[FILES])
        if message_id == record.original_id:
            record.loading = False
        record.edits.append({"message_id": str(message_id), "body": copy.deepcopy(body)})
        await self.host.dispatch_message("MESSAGE_UPDATE", message)
        return json_response(message)

    async def delete_message(self, request: web.Request) -> web.Response:
        """Delete @original or a followup."""
        record = self._for_webhook(request)
        message_id = self._target(request, record)
        message = messages.delete_message(self.world, message_id)
        record.deleted.append(message_id)
        await self.host.dispatch_message("MESSAGE_DELETE", message)
        return no_content()

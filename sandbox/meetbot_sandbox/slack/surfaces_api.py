"""views.* (modals, App Home) and calls.* (Slack Calls API) of the fake Web API.

Shapes: docs.slack.dev/reference/methods/{views.open, views.update, views.push, views.publish,
calls.add, calls.update, calls.end, calls.participants.add, calls.participants.remove}.
A trigger_id opens one view only (exchanged_trigger_id), like Slack's.
"""

from __future__ import annotations

import secrets
from typing import Any

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError, check_view
from meetbot_sandbox.slack.models import JSON


def _view_body(request: ApiRequest, kind: str) -> JSON:
    view = request.obj("view")
    if view is None or view.get("type") != kind or (kind == "modal" and "title" not in view):
        raise MethodError("invalid_arguments")
    check_view(view)
    return view


def _store(request: ApiRequest, view: JSON, view_id: str, root_view_id: str | None = None) -> JSON:
    workspace = request.workspace
    stored: JSON = {
        "id": view_id,
        "team_id": workspace.team_id,
        "type": view["type"],
        "title": view.get("title"),
        "blocks": view.get("blocks", []),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(request.state.clock())}.{secrets.token_hex(4)}",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "root_view_id": root_view_id or view_id,
        "previous_view_id": None,
        "app_id": workspace.app_id,
        "app_installed_team_id": workspace.team_id,
        "bot_id": workspace.bot_id,
    }
    request.state.views[view_id] = stored
    return stored


def _take_trigger(request: ApiRequest) -> None:
    trigger_id = request.text("trigger_id", missing="invalid_trigger_id")
    if trigger_id in request.state.expired_triggers:
        raise MethodError("expired_trigger_id")
    if trigger_id in request.state.used_triggers:
        raise MethodError("exchanged_trigger_id")
    request.state.used_triggers.add(trigger_id)


def views_open(request: ApiRequest) -> JSON:
    view = _view_body(request, "modal")
    _take_trigger(request)
    return {"view": _store(request, view, request.state.next_id("V"))}


def views_push(request: ApiRequest) -> JSON:
    return views_open(request)


def views_update(request: ApiRequest) -> JSON:
    view = _view_body(request, "modal")
    view_id, external_id = request.optional("view_id"), request.optional("external_id")
    current = request.state.views.get(view_id or "") or next(
        (
            v
            for v in request.state.views.values()
            if external_id and v["external_id"] == external_id
        ),
        None,
    )
    if current is None:
        raise MethodError("not_found")
    if (expected := request.optional("hash")) is not None and expected != current["hash"]:
        raise MethodError("hash_conflict")
    return {"view": _store(request, view, current["id"], current["root_view_id"])}


def views_publish(request: ApiRequest) -> JSON:
    user_id = request.text("user_id", missing="invalid_arguments")
    view = _view_body(request, "home")
    current = request.state.home_tabs.get(user_id)
    if (
        (expected := request.optional("hash")) is not None
        and current
        and expected != current["hash"]
    ):
        raise MethodError("hash_conflict")
    stored = _store(request, view, current["id"] if current else request.state.next_id("V"))
    request.state.home_tabs[user_id] = stored
    return {"view": stored}


def _call(request: ApiRequest, *, active: bool = True) -> JSON:
    call = request.state.call_objects.get(request.text("id", missing="missing_argument"))
    if call is None:
        raise MethodError("invalid_call_id")
    if active and "date_end" in call:
        raise MethodError("inactive_call")
    return call


def _users(request: ApiRequest) -> list[Any]:
    users = request.listed("users")
    if not users:
        raise MethodError("missing_argument")
    return users


def calls_add(request: ApiRequest) -> JSON:
    # A bot token must say which user started the Call (calls.add arguments).
    request.text("created_by", missing="missing_argument")
    call: JSON = {
        "id": request.state.next_id("R"),
        "date_start": int(request.optional("date_start") or request.state.clock()),
        "external_unique_id": request.text("external_unique_id", missing="missing_argument"),
        "join_url": request.text("join_url", missing="missing_argument"),
        "users": request.listed("users") or [],
    }
    for name in ("desktop_app_join_url", "external_display_id", "title"):
        if (value := request.optional(name)) is not None:
            call[name] = value
    request.state.call_objects[call["id"]] = call
    return {} if request.state.calls_add_without_call else {"call": call}


def calls_update(request: ApiRequest) -> JSON:
    call = _call(request)
    for name in ("title", "join_url", "desktop_app_join_url"):
        if (value := request.optional(name)) is not None:
            call[name] = value
    return {"call": call}


def calls_end(request: ApiRequest) -> JSON:
    call = _call(request)
    call["date_end"] = int(request.state.clock())
    call["duration"] = int(request.optional("duration") or call["date_end"] - call["date_start"])
    return {}


def participants_add(request: ApiRequest) -> JSON:
    call, users = _call(request), _users(request)
    if any(user in call["users"] for user in users):
        raise MethodError("bad_users")
    call["users"].extend(users)
    return {}


def participants_remove(request: ApiRequest) -> JSON:
    call, users = _call(request), _users(request)
    call["users"] = [user for user in call["users"] if user not in users]
    return {}


METHODS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
    "calls.add": calls_add,
    "calls.update": calls_update,
    "calls.end": calls_end,
    "calls.participants.add": participants_add,
    "calls.participants.remove": participants_remove,
}

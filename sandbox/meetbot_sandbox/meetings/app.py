"""Composition root of the Meetings API emulator: state, middlewares and every route.

    /v1/meetings/...   the 17 operations of the official spec, behind JWT checks and faults
    /_control/...      drives rooms like people would (control_api.py); no auth
    /_storage/...      fake S3 for logo uploads and recording downloads (storage.py)

Unknown routes answer a JSON 404 in the API's error shape, never HTML.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler

from meetbot_sandbox.meetings import recordings, rooms, storage, themes
from meetbot_sandbox.meetings.auth import jwt_middleware
from meetbot_sandbox.meetings.clock import Clock, system_clock
from meetbot_sandbox.meetings.control_api import add_control_routes
from meetbot_sandbox.meetings.errors import ApiError
from meetbot_sandbox.meetings.faults import fault_middleware
from meetbot_sandbox.meetings.keys import API_PREFIX, HTTP_KEY, STATE_KEY, STORAGE_PREFIX
from meetbot_sandbox.meetings.state import EmulatorState


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPNotFound:
        return ApiError(404, f"Route {request.method} {request.path} not found").response()
    except web.HTTPMethodNotAllowed:
        return ApiError(405, f"Method {request.method} not allowed on {request.path}").response()


async def _callback_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[HTTP_KEY] = session
        yield


def _add_api_routes(router: web.UrlDispatcher) -> None:
    p = API_PREFIX
    router.add_get(f"{p}/rooms", rooms.list_rooms)
    router.add_post(f"{p}/rooms", rooms.create_room)
    router.add_get(f"{p}/rooms/{{room_id}}", rooms.get_room)
    router.add_patch(f"{p}/rooms/{{room_id}}", rooms.update_room)
    router.add_get(f"{p}/recordings/{{recording_id}}", recordings.get_recording)
    router.add_delete(f"{p}/recordings/{{recording_id}}", recordings.delete_recording)
    router.add_get(f"{p}/sessions/{{session_id}}/recordings", recordings.session_recordings)
    router.add_get(f"{p}/dial-in-numbers", recordings.dial_in_numbers)
    router.add_get(f"{p}/themes", themes.list_themes)
    router.add_post(f"{p}/themes", themes.create_theme)
    # Before /themes/{theme_id}, which would otherwise take "logos-upload-urls" as an id.
    router.add_get(f"{p}/themes/logos-upload-urls", storage.logo_upload_urls)
    router.add_get(f"{p}/themes/{{theme_id}}", themes.get_theme)
    router.add_delete(f"{p}/themes/{{theme_id}}", themes.delete_theme)
    router.add_patch(f"{p}/themes/{{theme_id}}", themes.update_theme)
    router.add_put(f"{p}/themes/{{theme_id}}/finalizeLogos", storage.finalize_logos)
    router.add_get(f"{p}/themes/{{theme_id}}/rooms", themes.theme_rooms)
    router.add_patch(f"{p}/applications", themes.update_application)


def _add_storage_routes(router: web.UrlDispatcher) -> None:
    p = STORAGE_PREFIX
    router.add_post(f"{p}/upload", storage.upload)
    router.add_get(f"{p}/objects/{{key:.+}}", storage.get_object)
    router.add_get(f"{p}/recordings/{{recording_id}}/archive.mp4", storage.download_recording)


def create_emulator_app(
    *,
    application_id: str,
    public_key_pem: str,
    clock: Clock | None = None,
    room_cap: int = 1000,
    theme_cap: int = 1000,
) -> web.Application:
    """An aiohttp app that behaves like the retired Vonage Meetings API for one application.

    Args:
        application_id: the only `application_id` claim accepted in JWTs.
        public_key_pem: the application's RSA public key (PEM); tokens must be RS256 with it.
        clock: "now" for room lifecycles; defaults to the system clock.
        room_cap: how many rooms may be available at once (the real limit: 1,000).
        theme_cap: how many themes the application may hold.
    """
    state = EmulatorState(
        application_id=application_id,
        clock=clock or system_clock,
        room_cap=room_cap,
        theme_cap=theme_cap,
    )
    app = web.Application(
        middlewares=[
            error_middleware,
            fault_middleware,
            jwt_middleware(application_id=application_id, public_key_pem=public_key_pem),
        ]
    )
    app[STATE_KEY] = state
    app.cleanup_ctx.append(_callback_session)
    _add_api_routes(app.router)
    add_control_routes(app.router)
    _add_storage_routes(app.router)
    return app

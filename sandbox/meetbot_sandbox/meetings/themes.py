"""Theme operations, the rooms of a theme, and the application's default theme.

Names and short URLs are unique within the application (409, theme_name_in_use.json); at most
`theme_cap` themes (403). A theme in use is only deleted with `?force=true`, which detaches it
from its rooms and from the application default (delete_theme_in_use.json otherwise).

Beyond the spec (README.md beside this file), as Vonage's SDKs send it:
- `?force=` is read case-insensitively, as the API's Joi validation reads booleans by default:
  the Python SDK sends `force=True`/`force=False` (requests renders the bool;
  Vonage/vonage-python-sdk src/vonage/meetings.py `delete_theme`), Java `true`/`false`
  (vonage-java-sdk .../meetings/DeleteThemeRequest.java), .NET and PHP `true`.
- PATCH /applications takes `{"update_details": {"default_theme_id": ...}}`, the envelope
  every other PATCH of the API uses: sent by Vonage's curl snippet
  (Vonage/vonage-curl-code-snippets meetings/update-application.sh) and the Python
  (`update_application_theme`), Node (packages/meetings/lib/meetings.ts `setDefaultTheme`),
  .NET (Vonage/Meetings/UpdateApplication/UpdateApplicationRequest.cs) and Java
  (UpdateApplicationRequest.java `toJson`) SDKs; and the real error recorded for it
  (update_application_theme_id_not_found.json) names the id sent inside the envelope by the
  Python SDK's test. The spec's bare `{"default_theme_id": ...}` (UpdateApplicationDetails),
  also what the PHP SDK's test sends (vonage-php-sdk-core test/Meetings/ClientTest.php),
  stays accepted.
"""

from __future__ import annotations

import uuid

from aiohttp import web

from meetbot_sandbox.meetings import validation as v
from meetbot_sandbox.meetings.errors import bad_request, conflict, forbidden, invalid, not_found
from meetbot_sandbox.meetings.keys import STATE_KEY
from meetbot_sandbox.meetings.pagination import paginate
from meetbot_sandbox.meetings.state import EmulatorState, Theme
from meetbot_sandbox.meetings.views import application_json, room_json, theme_json

THEME_KEYS = ("theme_name", "main_color", "brand_text", "short_company_url")


def find_theme(state: EmulatorState, theme_id: str) -> Theme:
    theme = state.themes.get(theme_id)
    if theme is None:
        raise not_found(f"could not find theme {theme_id}")
    return theme


def _theme_fields(body: dict[str, object], *, creating: bool) -> dict[str, str | None]:
    v.only_keys(body, THEME_KEYS, "" if creating else "update_details.")
    return {
        "theme_name": v.string(body, "theme_name", max_len=200),
        "main_color": v.string(
            body, "main_color", max_len=7, required=creating, pattern=v.MAIN_COLOR
        ),
        "brand_text": v.string(body, "brand_text", max_len=200, required=creating),
        "short_company_url": v.string(
            body, "short_company_url", max_len=128, pattern=v.SHORT_COMPANY_URL
        ),
    }


def _check_unique(state: EmulatorState, fields: dict[str, str | None], theme_id: str) -> None:
    others = [theme for theme in state.themes.values() if theme.theme_id != theme_id]
    name, short_url = fields["theme_name"], fields["short_company_url"]
    if name is not None and any(theme.theme_name == name for theme in others):
        raise conflict("theme_name already exists in application")
    if short_url is not None and any(theme.short_company_url == short_url for theme in others):
        raise conflict("short_company_url already exists")


async def list_themes(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    themes = sorted(state.themes.values(), key=lambda theme: theme.seq)
    return web.json_response([theme_json(theme, state) for theme in themes])


async def create_theme(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    fields = _theme_fields(await v.json_object(request), creating=True)
    theme_id = str(uuid.uuid4())
    _check_unique(state, fields, theme_id)
    if len(state.themes) >= state.theme_cap:
        raise forbidden("exceeded maximum theme limit")
    main_color, brand_text = fields["main_color"], fields["brand_text"]
    assert main_color is not None and brand_text is not None
    theme = Theme(
        theme_id=theme_id,
        seq=state.next_seq(),
        theme_name=fields["theme_name"] or theme_id,  # unnamed themes are named by their id
        main_color=main_color,
        brand_text=brand_text,
        short_company_url=fields["short_company_url"],
    )
    state.themes[theme_id] = theme
    return web.json_response(theme_json(theme, state), status=201)


async def get_theme(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(theme_json(find_theme(state, request.match_info["theme_id"]), state))


async def update_theme(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    theme = find_theme(state, request.match_info["theme_id"])
    details = await v.update_details(request)
    fields = _theme_fields(details, creating=False)
    _check_unique(state, fields, theme.theme_id)
    for name, value in fields.items():
        if value is not None:
            setattr(theme, name, value)
    return web.json_response(theme_json(theme, state))


async def delete_theme(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    theme = find_theme(state, request.match_info["theme_id"])
    force = request.query.get("force", "false").lower()
    if force not in ("true", "false"):
        raise invalid('"force" must be a boolean')
    rooms = state.rooms_in_order(theme.theme_id)
    is_default = state.default_theme_id == theme.theme_id
    if force == "false" and (rooms or is_default):
        errors = []
        if rooms:
            noun = "room" if len(rooms) == 1 else "rooms"
            errors.append(f"Theme {theme.theme_id} is used by {len(rooms)} {noun}")
        if is_default:
            errors.append(f"Theme {theme.theme_id} is the application default theme")
        raise bad_request("could not delete theme", errors)
    for room in rooms:
        room.theme_id = None
    if is_default:
        state.default_theme_id = None
    del state.themes[theme.theme_id]
    return web.Response(status=204)


async def theme_rooms(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    theme_id = request.match_info["theme_id"]
    if theme_id not in state.themes:
        raise not_found(f"Failed to get rooms because theme id {theme_id} not found")
    body = paginate(
        state.rooms_in_order(theme_id),
        request.query,
        f"{request.host}{request.path}",
        lambda room: room_json(room, state),
    )
    return web.json_response(body)


async def update_application(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    body = await v.json_object(request)
    prefix = ""
    if "update_details" in body:
        v.only_keys(body, ("update_details",))
        body, prefix = v.obj(body["update_details"], "update_details"), "update_details."
    v.only_keys(body, ("default_theme_id",), prefix)
    theme_id = v.string(body, "default_theme_id", max_len=64, required=True, prefix=prefix)
    if theme_id not in state.themes:
        raise bad_request(f"Failed to update application because theme id {theme_id} not found")
    state.default_theme_id = theme_id
    return web.json_response(application_json(state))

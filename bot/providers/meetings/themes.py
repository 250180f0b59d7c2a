"""Theme operations of the Meetings API (`client.themes`), including the 3-step logo upload.

Logo upload: GET /themes/logos-upload-urls hands out one pre-signed S3 POST per logo type; we
POST each file there (S3's form fields plus the file, and *no* JWT: the URL is not the API's),
then PUT /themes/{id}/finalizeLogos with the keys so the API moves them out of temporary storage.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable, Mapping

import aiohttp

from bot.errors import ProviderError, invalid
from bot.i18n import N_
from bot.providers.http.paths import page_params, segment
from bot.providers.http.transport import Transport
from bot.providers.meetings.bodies import CreateTheme, UpdateTheme
from bot.providers.meetings.models import (
    Application,
    LogoType,
    LogoUploadUrl,
    Room,
    RoomPage,
    Theme,
)

PageIterator = Callable[[str, Mapping[str, str] | None], AsyncIterator[Room]]


def _theme_path(theme_id: str, suffix: str = "") -> str:
    return f"/themes/{segment('theme_id', theme_id)}{suffix}"


def logo_form(upload: LogoUploadUrl, content: bytes) -> aiohttp.FormData:
    """S3's POST policy wants its fields first and the file last, in a field named `file`."""
    form = aiohttp.FormData()
    for name, value in upload.fields.items():
        form.add_field(name, value)
    content_type = upload.fields.get("Content-Type", "image/png")
    form.add_field(
        "file", content, filename=f"{upload.logo_type.value}.png", content_type=content_type
    )
    return form


class ThemesApi:
    def __init__(self, http: Transport, iter_pages: PageIterator) -> None:
        self._http = http
        self._iter_pages = iter_pages

    async def list(self) -> builtins.list[Theme]:
        # Named like the API operation; `builtins.list` below because this shadows `list`.
        return await self._http.call("GET", "/themes", parse=Theme.list_from_json)

    async def create(self, body: CreateTheme) -> Theme:
        """POST /themes: retried only when refused unprocessed (see `bot.providers.http.retry`)."""
        body.validate()
        return await self._http.call("POST", "/themes", json=body.to_json(), parse=Theme.from_json)

    async def get(self, theme_id: str) -> Theme:
        return await self._http.call("GET", _theme_path(theme_id), parse=Theme.from_json)

    async def update(self, theme_id: str, body: UpdateTheme) -> Theme:
        path = _theme_path(theme_id)
        body.validate()
        return await self._http.call("PATCH", path, json=body.to_json(), parse=Theme.from_json)

    async def delete(self, theme_id: str, *, force: bool = False) -> None:
        """Refused with a 400 while rooms or the application use it, unless `force`."""
        params = {"force": "true"} if force else None
        await self._http.call_no_content("DELETE", _theme_path(theme_id), params=params)

    async def rooms(
        self,
        theme_id: str,
        *,
        page_size: int | None = None,
        start_id: str | None = None,
        end_id: str | None = None,
    ) -> RoomPage:
        params = page_params(page_size, start_id, end_id)
        path = _theme_path(theme_id, "/rooms")
        return await self._http.call("GET", path, params=params, parse=RoomPage.from_json)

    def iter_rooms(self, theme_id: str, *, page_size: int | None = None) -> AsyncIterator[Room]:
        return self._iter_pages(_theme_path(theme_id, "/rooms"), page_params(page_size, None, None))

    async def set_default(self, theme_id: str) -> Application:
        """PATCH /applications: the theme rooms get when they name none."""
        _theme_path(theme_id)  # validates the id
        # Wrapped in `update_details` like every other PATCH of the API, as Vonage's curl
        # snippet (vonage-curl-code-snippets meetings/update-application.sh) and its Python,
        # Node, .NET and Java SDKs send it, and as the recorded real error read it
        # (update_application_theme_id_not_found.json). The spec's bare object is the outlier
        # (sandbox/meetbot_sandbox/meetings/README.md).
        body = {"update_details": {"default_theme_id": theme_id}}
        return await self._http.call(
            "PATCH", "/applications", json=body, parse=Application.from_json
        )

    async def logo_upload_urls(self) -> builtins.list[LogoUploadUrl]:
        return await self._http.call(
            "GET", "/themes/logos-upload-urls", parse=LogoUploadUrl.list_from_json
        )

    async def upload_logo(self, upload: LogoUploadUrl, content: bytes) -> None:
        """POST one file to its pre-signed URL; an S3 `<Error>` becomes a `ProviderError`."""
        await self._http.post_form(upload.url, lambda: logo_form(upload, content))

    async def finalize_logos(self, theme_id: str, keys: builtins.list[str]) -> None:
        if not keys:
            raise invalid("keys", N_("give at least one uploaded logo key"))
        path = _theme_path(theme_id, "/finalizeLogos")
        await self._http.call_no_content("PUT", path, json={"keys": keys})

    async def upload_logos(self, theme_id: str, logos: Mapping[str, bytes]) -> builtins.list[str]:
        """All three steps for `{"white": png, "colored": png, "favicon": png}` (any subset).

        Returns the storage keys now attached to the theme.
        """
        _theme_path(theme_id)
        wanted: dict[LogoType, bytes] = {}
        for name, content in logos.items():
            if name not in LogoType.__members__.values():
                raise invalid(f"logos.{name}", N_("unknown logo type (white, colored or favicon)"))
            if not content:
                raise invalid(f"logos.{name}", N_("the file is empty"))
            wanted[LogoType(name)] = content
        if not wanted:
            raise invalid("logos", N_("give at least one logo"))
        offered = {upload.logo_type: upload for upload in await self.logo_upload_urls()}
        missing = [kind.value for kind in wanted if kind not in offered]
        if missing:
            raise ProviderError(f"the API offered no upload URL for: {', '.join(missing)}")
        for kind, content in wanted.items():
            # One at a time: three small files, and the first failure stops before finalizing.
            await self.upload_logo(offered[kind], content)
        keys = [offered[kind].key for kind in wanted]
        await self.finalize_logos(theme_id, keys)
        return keys

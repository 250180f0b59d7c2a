"""The emulator's stand-in for S3: presigned logo uploads, finalizeLogos, and downloads.

GET /themes/logos-upload-urls hands out one presigned POST per logo type
(list_logo_upload_urls.json) pointing at `POST /_storage/upload`, which checks the fields it
issued and answers 204, or 403 with S3's XML error (upload_to_aws_error.xml). PUT
/themes/{id}/finalizeLogos then makes uploaded keys permanent on the theme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import BodyPartReader, hdrs, web

from meetbot_sandbox.meetings import validation as v
from meetbot_sandbox.meetings.errors import bad_request, invalid
from meetbot_sandbox.meetings.keys import STATE_KEY, STORAGE_PREFIX
from meetbot_sandbox.meetings.state import EmulatorState, LogoUpload, StoredObject
from meetbot_sandbox.meetings.themes import find_theme
from meetbot_sandbox.meetings.views import iso

BUCKET = "roomservice-whitelabel-logos-prod"
LOGO_TYPES = {
    "white": "brand_image_white",
    "colored": "brand_image_colored",
    "favicon": "branded_favicon",
}
UPLOAD_TTL = timedelta(hours=1)
DOWNLOAD_TTL = timedelta(hours=24)
LOGO_MAX_BYTES = 2_000_000
SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided."
    " Check your key and signing method."
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _sign(state: EmulatorState, text: str) -> str:
    return hmac.new(state.secret, text.encode(), hashlib.sha256).hexdigest()


def s3_error(status: int, code: str, message: str) -> web.Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId></Error>"
    )
    return web.Response(status=status, text=body, content_type="application/xml")


def recording_download_url(state: EmulatorState, base: str, recording_id: str) -> str:
    expires = int((state.now() + DOWNLOAD_TTL).timestamp())
    signature = _sign(state, f"{recording_id}:{expires}")
    path = f"{STORAGE_PREFIX}/recordings/{recording_id}/archive.mp4"
    return f"{base}{path}?Expires={expires}&Signature={signature}"


async def logo_upload_urls(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    now = state.now()
    issued: list[dict[str, Any]] = []
    for logo_type in LOGO_TYPES:
        key = f"auto-expiring-temp/logos/{logo_type}/{uuid.uuid4()}"
        policy = {
            "expiration": iso(now + UPLOAD_TTL),
            "conditions": [{"bucket": BUCKET}, {"key": key}],
        }
        encoded = base64.b64encode(json.dumps(policy).encode()).decode()
        fields = {
            "Content-Type": "image/png",
            "key": key,
            "logoType": logo_type,
            "bucket": BUCKET,
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": f"EMULATOR/{now:%Y%m%d}/eu-west-1/s3/aws4_request",
            "X-Amz-Date": f"{now:%Y%m%dT%H%M%SZ}",
            "X-Amz-Security-Token": base64.b64encode(state.secret[:12]).decode(),
            "Policy": encoded,
            "X-Amz-Signature": _sign(state, encoded),
        }
        state.uploads[key] = LogoUpload(key, logo_type, fields, now + UPLOAD_TTL)
        issued.append({"url": f"{origin(request)}{STORAGE_PREFIX}/upload", "fields": fields})
    return web.json_response(issued)


async def upload(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    if request.content_type != "multipart/form-data":
        message = "Bucket POST must be of the enclosure-type multipart/form-data"
        return s3_error(412, "PreconditionFailed", message)
    form: dict[str, str] = {}
    data: bytes | None = None
    content_type = "application/octet-stream"
    async for part in await request.multipart():
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            data = await part.read()
            content_type = part.headers.get(hdrs.CONTENT_TYPE, content_type)
        elif part.name:
            form[part.name] = await part.text()
    pending = state.uploads.get(form.get("key", ""))
    if pending is None:
        return s3_error(
            403,
            "AccessDenied",
            'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]',
        )
    for name, value in pending.fields.items():
        if form.get(name) != value:
            if name in ("Policy", "X-Amz-Signature"):
                return s3_error(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH)
            return s3_error(
                403,
                "AccessDenied",
                f'Invalid according to Policy: Policy Condition failed: ["eq", "${name}", "{value}"]',
            )
    if state.now() > pending.expires_at:
        return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    if data is None:
        return s3_error(
            400, "InvalidArgument", "POST requires exactly one file upload per request."
        )
    pending.data, pending.content_type = data, content_type
    return web.Response(status=204)


def _logo_keys(body: dict[str, Any]) -> list[str]:
    v.only_keys(body, ("keys",))
    keys = body.get("keys")
    if not isinstance(keys, list) or not keys:
        raise invalid('"keys" must be an array with at least 1 item')
    # The spec's example sends strings, its schema objects {"key": ...}; the SDK sent strings.
    found = [item.get("key") if isinstance(item, dict) else item for item in keys]
    if not all(isinstance(key, str) and key for key in found):
        raise invalid('"keys" items must be logo keys')
    return [str(key) for key in found]


async def finalize_logos(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    theme = find_theme(state, request.match_info["theme_id"])
    keys = _logo_keys(await v.json_object(request))
    errors: list[dict[str, str]] = []
    for key in keys:
        pending = state.uploads.get(key)
        if pending is None or pending.data is None:
            errors.append({"logoKey": key, "code": "key_not_found"})
        elif not pending.data.startswith(PNG_MAGIC):
            errors.append(
                {"logoKey": key, "code": "invalid_logo_properties", "invalidProperty": "type"}
            )
        elif len(pending.data) > LOGO_MAX_BYTES:
            errors.append(
                {
                    "logoKey": key,
                    "code": "invalid_logo_properties",
                    "invalidProperty": "exceeds_size",
                }
            )
    if errors:
        raise bad_request("could not finalize logos", errors)
    for key in keys:
        pending = state.uploads.pop(key)
        assert pending.data is not None
        permanent = f"themes/{theme.theme_id}/{pending.logo_type}/{uuid.uuid4()}"
        state.objects[permanent] = StoredObject(pending.data, pending.content_type or "image/png")
        field = LOGO_TYPES[pending.logo_type]
        setattr(theme, field, permanent)
        setattr(theme, f"{field}_url", f"{origin(request)}{STORAGE_PREFIX}/objects/{permanent}")
    return web.Response(text="OK")  # the real API answered a bare 200 "OK" (vonage SDK tests)


async def get_object(request: web.Request) -> web.Response:
    stored = request.app[STATE_KEY].objects.get(request.match_info["key"])
    if stored is None:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return web.Response(body=stored.data, content_type=stored.content_type)


async def download_recording(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    recording_id = request.match_info["recording_id"]
    expires = request.query.get("Expires", "")
    signature = _sign(state, f"{recording_id}:{expires}")
    if not hmac.compare_digest(signature, request.query.get("Signature", "")):
        return s3_error(403, "SignatureDoesNotMatch", SIGNATURE_MISMATCH)
    if not expires.isdigit() or int(expires) < state.now().timestamp():
        return s3_error(403, "AccessDenied", "Request has expired")
    if recording_id not in state.recordings:
        return s3_error(404, "NoSuchKey", "The specified key does not exist.")
    return web.Response(body=FAKE_MP4, content_type="video/mp4")

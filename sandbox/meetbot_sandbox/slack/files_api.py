"""files.* methods of the fake Web API (issue 16): the external upload flow and delete.

    files.getUploadURLExternal  filename, length [, alt_txt, snippet_type]
                                -> {upload_url, file_id}; the URL is on this fake server
    POST <upload_url>           the file's bytes (raw body, or multipart as Slack's docs show
                                with `-F filename=@…`) -> 200 "OK - <bytes>"
    files.completeUploadExternal files [{id, title}], channel_id, thread_ts, initial_comment
                                -> {files: [{id, title}]}; the file shows in the channel (or
                                thread) as a message carrying it, text = initial_comment
    files.delete                file -> {}; gone from the message it was shared in

Shapes: docs.slack.dev/reference/methods/files.getUploadURLExternal, .completeUploadExternal,
.delete, and slackapi/java-slack-sdk json-logs/samples/api (tests/fixtures/slack-web-api/,
README there). All need `files:write` (scopes.METHOD_SCOPES). Errors: `not_in_channel`,
`channel_not_found` and `is_archived` as chat.postMessage gives them; `file_not_found`,
`file_deleted` and `cant_delete_file` as files.delete documents them; completing an id that
was never uploaded, or completing it a second time ("This method can only be called once"),
answers `file_not_found` (our choice: Slack documents no error for either).
"""

from __future__ import annotations

from dataclasses import dataclass

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError, find_channel
from meetbot_sandbox.slack.models import JSON, Message

MIMETYPES = {"txt": "text/plain", "vtt": "text/vtt", "md": "text/markdown"}


@dataclass
class FakeFile:
    """One file the bot uploaded: what it sent, and where (if anywhere) it was shared."""

    id: str
    name: str
    length: int
    user: str
    created: int
    title: str = ""
    content: bytes | None = None  # None until the bytes are POSTed to the upload URL
    completed: bool = False
    channel: str | None = None
    thread_ts: str | None = None
    message_ts: str | None = None  # the message that shows it
    initial_comment: str | None = None
    deleted: bool = False
    snippet_type: str | None = None

    @property
    def text(self) -> str:
        return (self.content or b"").decode("utf-8", errors="replace")

    def to_api(self, team: str, base_url: str) -> JSON:
        """The file object of a message's `files` (field names from slack_sdk/node-slack-sdk's
        File type); links point at this fake server."""
        ext = self.name.rpartition(".")[2].lower() if "." in self.name else ""
        url = f"{base_url.rstrip('/')}/files-pri/{team}-{self.id}/{self.name}"
        return {
            "id": self.id,
            "created": self.created,
            "timestamp": self.created,
            "name": self.name,
            "title": self.title or self.name,
            "mimetype": MIMETYPES.get(ext, "application/octet-stream"),
            "filetype": self.snippet_type or ext or "binary",
            "user": self.user,
            "user_team": team,
            "editable": False,
            "size": len(self.content or b""),
            "mode": "hosted",
            "is_external": False,
            "external_type": "",
            "is_public": False,
            "public_url_shared": False,
            "display_as_bot": False,
            "url_private": url,
            "url_private_download": url.replace("/files-pri/", "/files-pri-download/"),
            "permalink": url,
        }


def get_upload_url(request: ApiRequest) -> JSON:
    name = request.text("filename")
    try:
        length = int(request.text("length"))
    except ValueError:
        raise MethodError("invalid_arguments") from None
    if length <= 0:
        raise MethodError("invalid_arguments")
    state = request.state
    if state.base_url is None:
        raise RuntimeError("base_url is unset: the server sets it when it starts")
    file = FakeFile(
        id=state.next_id("F"),
        name=name,
        length=length,
        user=request.workspace.bot_user_id,
        created=int(state.clock()),
        snippet_type=request.optional("snippet_type"),
    )
    state.files[file.id] = file
    upload_url = f"{state.base_url.rstrip('/')}/upload/v1/{file.id}"
    return {"upload_url": upload_url, "file_id": file.id}


def complete_upload(request: ApiRequest) -> JSON:
    state = request.state
    listed = request.listed("files")
    if not listed:
        raise MethodError("invalid_arguments")
    files: list[FakeFile] = []
    for item in listed:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise MethodError("invalid_arguments")
        found = state.files.get(item["id"])
        if found is None or found.content is None or found.completed or found.deleted:
            raise MethodError("file_not_found")
        files.append(found)
    channel = None
    if (channel_id := request.optional("channel_id")) is not None:
        channel = find_channel(request, channel_id)
        if channel.is_archived:
            raise MethodError("is_archived")
        if not channel.is_member:
            raise MethodError("not_in_channel")
    for item, found in zip(listed, files, strict=True):
        found.title = str(item.get("title") or found.name)
        found.completed = True
    if channel is not None:
        _share(request, channel.id, files)
    return {"files": [{"id": f.id, "title": f.title} for f in files]}


def _share(request: ApiRequest, channel: str, files: list[FakeFile]) -> None:
    """The message a channel shows for the shared files, in the thread when `thread_ts`."""
    state, workspace = request.state, request.workspace
    box = state.messages.setdefault(channel, {})
    thread_ts = request.optional("thread_ts")
    parent = box.get(thread_ts) if thread_ts is not None else None
    if parent is not None:
        thread_ts = parent.thread_ts or parent.ts  # a reply's ts lands in the root's thread
        box[thread_ts].thread_ts = thread_ts
    comment = request.optional("initial_comment")
    base = state.base_url or ""
    message = Message(
        channel=channel,
        ts=state.next_ts(),
        text=comment or "",
        thread_ts=thread_ts,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        app_id=workspace.app_id,
        team=workspace.team_id,
        files=[f.to_api(workspace.team_id, base) for f in files],
    )
    box[message.ts] = message
    for found in files:
        found.channel, found.thread_ts = channel, thread_ts
        found.message_ts, found.initial_comment = message.ts, comment


def delete(request: ApiRequest) -> JSON:
    state = request.state
    found = state.files.get(request.text("file", missing="file_not_found"))
    if found is None:
        raise MethodError("file_not_found")
    if found.deleted:
        raise MethodError("file_deleted")
    if found.user != request.workspace.bot_user_id:
        raise MethodError("cant_delete_file")
    found.deleted = True
    message = state.messages.get(found.channel or "", {}).get(found.message_ts or "")
    if message is not None and message.files:
        message.files = [f for f in message.files if f.get("id") != found.id]
        if not message.files and not message.text:
            del state.messages[message.channel][message.ts]
    return {}


METHODS: dict[str, Handler] = {
    "files.getUploadURLExternal": get_upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.delete": delete,
}

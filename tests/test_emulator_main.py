"""`python -m meetbot_sandbox.meetings` runs the emulator and prints the env lines that reach it."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp
from meetbot_sandbox.meetings.__main__ import load_or_create_key

from tests.plugins.emulator import mint_token


def test_an_existing_key_is_reused(tmp_path: Path) -> None:
    path = tmp_path / "meetings.pem"
    written, key = load_or_create_key(path)
    reused, again = load_or_create_key(path)

    assert written == reused == path
    assert key.private_numbers() == again.private_numbers()
    assert path.stat().st_mode & 0o777 == 0o600


async def test_the_standalone_emulator_prints_working_credentials(tmp_path: Path) -> None:
    key_path = tmp_path / "meetings.pem"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "meetbot_sandbox.meetings",
        "--port",
        "0",
        "--private-key-path",
        str(key_path),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        lines = [
            (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode().strip()
            for _ in range(3)
        ]
        env = dict(line.split("=", 1) for line in lines)
        assert set(env) == {"MEETINGS_API_URL", "VONAGE_APPLICATION_ID", "VONAGE_PRIVATE_KEY_PATH"}
        assert env["VONAGE_PRIVATE_KEY_PATH"] == str(key_path)
        assert env["MEETINGS_API_URL"].endswith("/v1/meetings")

        token = mint_token(env["VONAGE_APPLICATION_ID"], key_path.read_text())
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                env["MEETINGS_API_URL"] + "/rooms", headers={"Authorization": f"Bearer {token}"}
            ) as answer,
        ):
            assert answer.status == 200
            assert (await answer.json())["total_items"] == 0
    finally:
        process.terminate()
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0

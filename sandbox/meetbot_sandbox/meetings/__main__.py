"""Run the Meetings API emulator standalone: `python -m meetbot_sandbox.meetings --port 8800`.

Generates an RSA key pair (or reuses `--private-key-path` if that file exists), writes the
private key PEM, and prints the environment lines that point meetbot at the emulator.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from meetbot_sandbox.meetings.app import create_emulator_app
from meetbot_sandbox.meetings.keys import API_PREFIX
from meetbot_sandbox.serve import serve_until_stopped


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m meetbot_sandbox.meetings", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800, help="0 picks a free port")
    parser.add_argument("--application-id", default=None, help="default: a new UUID")
    parser.add_argument(
        "--private-key-path",
        type=Path,
        default=None,
        help="reuse this PEM if it exists, else write a new key there (default: a temp file)",
    )
    return parser.parse_args(argv)


def load_or_create_key(path: Path | None) -> tuple[Path, rsa.RSAPrivateKey]:
    """The private key at `path` if it exists; otherwise a new one, written there (mode 600)."""
    if path is not None and path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SystemExit(f"{path} is not an RSA private key")
        return path, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if path is None:
        fd, name = tempfile.mkstemp(prefix="meetings-emulator-", suffix=".pem")
        os.close(fd)
        path = Path(name)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    path.chmod(0o600)
    return path, key


def env_lines(api_url: str, application_id: str, key_path: Path) -> list[str]:
    return [
        f"MEETINGS_API_URL={api_url}",
        f"VONAGE_APPLICATION_ID={application_id}",
        f"VONAGE_PRIVATE_KEY_PATH={key_path}",
    ]


async def serve(args: argparse.Namespace) -> None:
    key_path, key = load_or_create_key(args.private_key_path)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    application_id = args.application_id or str(uuid.uuid4())
    app = create_emulator_app(application_id=application_id, public_key_pem=public_pem.decode())
    await serve_until_stopped(
        app,
        host=args.host,
        port=args.port,
        announce=lambda root: env_lines(root + API_PREFIX, application_id, key_path),
    )


def main(argv: list[str] | None = None) -> None:
    asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()

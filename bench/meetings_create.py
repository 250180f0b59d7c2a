"""Rooms created per second against the Meetings emulator: our client vs bare aiohttp vs the SDK.

    .venv/bin/python bench/meetings_create.py [--rooms 2000] [--concurrency 64] [--repeat 3]

The emulator runs in a separate process (this file re-run with `--serve`) over HTTPS with a
throwaway CA, because vonage 3.18 hard-codes `https://{host}`; its host is pointed at the
emulator with `client.meetings_api_host("127.0.0.1:PORT/v1/meetings")` (plus the copy that
`client.meetings` took of it at construction) and `requests` trusts
the CA through `client.session.verify`. All three clients send the same instant-room body:

* ours: `MeetingsClient.create_room` (validation, cached JWT, retry policy, typed model), 64 tasks;
* bare: `session.post` + `response.json()` with one JWT minted up front, 64 tasks;
* SDK: `vonage.Client.meetings.create_room`, sync, 64 threads (it signs a new JWT per request).

Each run gets a fresh emulator process and a warm-up of 100 rooms; runs are interleaved and
the figures are medians of `--repeat`. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from bot.providers.meetings.auth import TokenCache, mint_jwt
from bot.providers.meetings.bodies import CreateRoom
from bot.providers.meetings.client import MeetingsClient

API_PREFIX = "/v1/meetings"


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a 127.0.0.1 certificate signed by it: (ca.pem, cert.pem, key.pem)."""
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "meetbot bench CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(pem(leaf_key))
    return paths


async def serve(args: argparse.Namespace) -> None:
    """Child process: the emulator over HTTPS on a free port, printed as 'PORT n'."""
    from aiohttp import web
    from meetbot_sandbox.meetings import create_emulator_app

    app = create_emulator_app(
        application_id=args.application_id,
        public_key_pem=args.public_key_pem,
        room_cap=10**9,  # the real cap (1,000 live rooms) would end the run early
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    print(f"PORT {runner.addresses[0][1]}", flush=True)
    await asyncio.Event().wait()  # until the parent terminates us


def body(n: int) -> dict[str, object]:
    return CreateRoom(f"bench room {n}").to_json()


async def run_tasks(
    rooms: int, concurrency: int, create: Callable[[int], Awaitable[None]]
) -> float:
    counter = iter(range(rooms))

    async def worker() -> None:
        for n in counter:
            await create(n)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return rooms / (time.perf_counter() - started)


async def ours(env: dict[str, str], ca: Path, rooms: int, concurrency: int) -> float:
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=ssl.create_default_context(cafile=ca))
    async with aiohttp.ClientSession(connector=connector) as session:
        auth = TokenCache(env["app"], env["key"], clock=lambda: datetime.now(UTC))
        client = MeetingsClient(session, base_url=env["url"], auth=auth)

        async def create(n: int) -> None:
            await client.create_room(CreateRoom(f"bench room {n}"))

        return await run_tasks(rooms, concurrency, create)


async def bare(env: dict[str, str], ca: Path, rooms: int, concurrency: int) -> float:
    token = mint_jwt(
        env["app"],
        env["key"],
        now=datetime.now(UTC),
        ttl=timedelta(minutes=15),
        jti=uuid.uuid4().hex,
    )
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=concurrency, ssl=ssl.create_default_context(cafile=ca))
    async with aiohttp.ClientSession(connector=connector) as session:

        async def create(n: int) -> None:
            async with session.post(env["url"] + "/rooms", json=body(n), headers=headers) as r:
                r.raise_for_status()
                await r.json()

        return await run_tasks(rooms, concurrency, create)


def sdk(env: dict[str, str], ca: Path, rooms: int, concurrency: int) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "v3 ... is now deprecated"
        import vonage
    client = vonage.Client(
        application_id=env["app"],
        private_key=env["key_path"],
        pool_connections=1,
        pool_maxsize=concurrency,
    )
    host = env["url"].removeprefix("https://")
    client.meetings_api_host(host)
    # Meetings copied the host when the Client built it; the setter alone does not reach it.
    client.meetings._meetings_api_host = host
    client.session.verify = str(ca)
    client.session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda n: client.meetings.create_room(body(n)), range(WARM_UP_ROOMS)))
        started = time.perf_counter()
        list(pool.map(lambda n: client.meetings.create_room(body(n)), range(rooms)))
        return rooms / (time.perf_counter() - started)


WARM_UP_ROOMS = 100  # opens the connections (and TLS sessions) before the clock starts


@dataclass(frozen=True)
class Files:
    ca: Path
    cert: Path
    tls_key: Path
    app_key: Path
    app_public_key: Path
    application_id: str


def write_files(folder: Path) -> Files:
    ca, cert, tls_key = write_tls_files(folder)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private, public = folder / "app.pem", folder / "app.pub.pem"
    private.write_bytes(pem(key))
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return Files(ca, cert, tls_key, private, public, str(uuid.uuid4()))


@contextmanager
def emulator_process(files: Files) -> Iterator[dict[str, str]]:
    """A fresh emulator per run, so no client pays for rooms another one left behind."""
    command = [sys.executable, __file__, "--serve", "--application-id", files.application_id]
    command += ["--public-key", str(files.app_public_key)]
    command += ["--cert", str(files.cert), "--key", str(files.tls_key)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().split()[1])
        yield {
            "app": files.application_id,
            "key": files.app_key.read_text(),
            "key_path": str(files.app_key),
            "url": f"https://127.0.0.1:{port}{API_PREFIX}",
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_once(kind: str, files: Files, rooms: int, concurrency: int) -> float:
    with emulator_process(files) as env:
        if kind == "sdk":
            return sdk(env, files.ca, rooms, concurrency)
        measure = ours if kind == "ours" else bare
        return asyncio.run(measure(env, files.ca, rooms, concurrency))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-sdk", action="store_true", help="skip vonage==3.18.0")
    parser.add_argument(
        "--sdk-rooms", type=int, default=400, help="fewer for the SDK: it is ~15x slower"
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    for hidden in ("--application-id", "--public-key", "--cert", "--key"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        args.public_key_pem = Path(args.public_key).read_text()
        asyncio.run(serve(args))
        return
    kinds = ["ours", "bare"] + ([] if args.no_sdk else ["sdk"])
    rates: dict[str, list[float]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp))
        for _ in range(args.repeat):  # interleaved, so drift in the machine hits all alike
            for kind in kinds:
                rooms = args.sdk_rooms if kind == "sdk" else args.rooms
                rates[kind].append(run_once(kind, files, rooms, args.concurrency))
    report({kind: statistics.median(values) for kind, values in rates.items()}, args)


def report(results: dict[str, float], args: argparse.Namespace) -> None:
    print(
        f"rooms created per second ({args.rooms} rooms, concurrency {args.concurrency}, "
        f"median of {args.repeat}, {os.cpu_count()} CPUs, emulator over HTTPS in its own process)"
    )
    labels = {
        "ours": "ours (MeetingsClient, asyncio)",
        "bare": "bare aiohttp loop, one JWT",
        "sdk": "vonage==3.18.0, 64 threads",
    }
    for name, rate in results.items():
        print(f"  {labels[name]:<34} {rate:8.0f} rooms/s")
    print(f"  ours/bare = {results['ours'] / results['bare']:.2f}")
    if "sdk" in results:
        print(f"  ours/SDK  = {results['ours'] / results['sdk']:.2f}")


if __name__ == "__main__":
    main()

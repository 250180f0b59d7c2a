"""Room lists page like the real API: page_size, start_id/end_id, scheme-less HAL links."""

from __future__ import annotations

from typing import Any

from yarl import URL

from tests.plugins.emulator import EmulatorApi, EmulatorHandle


def api_path(emulator: EmulatorHandle, href: str) -> str:
    """The real API's links carry no scheme ("api-eu.vonage.com/meetings/rooms?...")."""
    assert "://" not in href
    authority = URL(emulator.base_url).authority
    prefix = f"{authority}/v1/meetings"
    assert href.startswith(prefix), href
    return href.removeprefix(prefix)


async def create_rooms(emulator_api: EmulatorApi, count: int, **extra: Any) -> list[dict[str, Any]]:
    return [
        (await emulator_api.post("/rooms", json={"display_name": f"room {n}", **extra})).body
        for n in range(count)
    ]


async def test_the_first_page_links_to_the_next_without_a_scheme(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    rooms = await create_rooms(emulator_api, 5)
    seqs = [room.seq for room in emulator.state.rooms_in_order()]
    authority = URL(emulator.base_url).authority

    page = (await emulator_api.get("/rooms", params={"page_size": "2"})).body

    assert page["page_size"] == 2 and page["total_items"] == 5
    assert [r["id"] for r in page["_embedded"]] == [r["id"] for r in rooms[:2]]
    assert page["_links"] == {
        "first": {"href": f"{authority}/v1/meetings/rooms?page_size=2"},
        "self": {"href": f"{authority}/v1/meetings/rooms?page_size=2&start_id={seqs[0]}"},
        "next": {"href": f"{authority}/v1/meetings/rooms?page_size=2&start_id={seqs[1] + 1}"},
    }


async def test_following_next_and_prev_walks_every_room_once(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    rooms = await create_rooms(emulator_api, 5)
    seen: list[str] = []
    path = "/rooms?page_size=2"
    pages = []
    while True:
        page = (await emulator_api.get(path)).body
        pages.append(page)
        seen += [r["id"] for r in page["_embedded"]]
        if "next" not in page["_links"]:
            break
        path = api_path(emulator, page["_links"]["next"]["href"])

    assert seen == [r["id"] for r in rooms]
    assert len(pages) == 3 and len(pages[-1]["_embedded"]) == 1
    back = (await emulator_api.get(api_path(emulator, pages[-1]["_links"]["prev"]["href"]))).body
    assert [r["id"] for r in back["_embedded"]] == [r["id"] for r in rooms[2:4]]


async def test_the_default_page_is_twenty_rooms(emulator_api: EmulatorApi) -> None:
    await create_rooms(emulator_api, 21)

    page = (await emulator_api.get("/rooms")).body

    assert page["page_size"] == 20 and page["total_items"] == 21
    assert len(page["_embedded"]) == 20
    assert "next" in page["_links"] and "prev" not in page["_links"]


async def test_start_and_end_ids_bound_the_window(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    rooms = await create_rooms(emulator_api, 4)
    seqs = [room.seq for room in emulator.state.rooms_in_order()]

    page = (
        await emulator_api.get("/rooms", params={"start_id": str(seqs[1]), "end_id": str(seqs[3])})
    ).body

    assert [r["id"] for r in page["_embedded"]] == [r["id"] for r in rooms[1:3]]


async def test_an_empty_list_still_has_links(emulator_api: EmulatorApi) -> None:
    page = (await emulator_api.get("/rooms")).body

    assert page["_embedded"] == [] and page["total_items"] == 0
    assert set(page["_links"]) == {"first", "self"}


async def test_bad_paging_parameters_are_400(emulator_api: EmulatorApi) -> None:
    for params in ({"page_size": "0"}, {"page_size": "101"}, {"start_id": "abc"}):
        answer = await emulator_api.get("/rooms", params=params)
        assert answer.status == 400 and answer.body["name"] == "InputValidationError"


async def test_a_themes_rooms_page_the_same_way(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = (
        await emulator_api.post("/themes", json={"main_color": "#12f64e", "brand_text": "Acme"})
    ).body
    await create_rooms(emulator_api, 2)
    themed = await create_rooms(emulator_api, 3, theme_id=theme["theme_id"])
    authority = URL(emulator.base_url).authority

    page = (
        await emulator_api.get(f"/themes/{theme['theme_id']}/rooms", params={"page_size": "2"})
    ).body

    assert page["total_items"] == 3
    assert [r["id"] for r in page["_embedded"]] == [r["id"] for r in themed[:2]]
    assert page["_links"]["next"]["href"].startswith(
        f"{authority}/v1/meetings/themes/{theme['theme_id']}/rooms?page_size=2&start_id="
    )
    last = (await emulator_api.get(api_path(emulator, page["_links"]["next"]["href"]))).body
    assert [r["id"] for r in last["_embedded"]] == [themed[2]["id"]]
    assert "next" not in last["_links"]

"""The dashboard's queue, one bounded page at a time: a "下一页" link (no script) carries a
signed cursor, the pages together list every waiting filing once, oldest first, within the
link's towns; a cursor the list did not give is a 400 that reads and records nothing."""

from __future__ import annotations

import html as markup
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.settings import get_settings
from chalicelib.staff import access, waiting
from chalicelib.store.models import Filing, bind_models, form_key, queue_key
from chalicelib.store.paging import Position
from tests.support.stack import Stack, enterprise

TOWNS = ["白龙桥镇", "罗埠镇", "汤溪镇"]


def file(stack: Stack, count: int, towns: list[str] = TOWNS) -> list[str]:
    """`count` enterprise filings opened for their town's decision, oldest first."""
    ids = []
    for n in range(count):
        answer = stack.submit(enterprise(serial=70 + n, town=towns[n % len(towns)]))
        assert answer.status_code == 201, answer.body
        ids.append(json.loads(answer.body)["filing_id"])
    stack.pump()
    return ids


def slips_of(ids: list[str]) -> list[str]:
    return [Filing.get(i).slip_no for i in ids]


def queue_of(page: str) -> list[str]:
    """The slip numbers of the queue's rows, in the order shown."""
    table = page.split('class="facts queue"', 1)
    return (
        re.findall(r'<td class="code">([^<]+)</td>', table[1].split("</table>", 1)[0])
        if len(table) > 1
        else []
    )


def next_link(page: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next" id="queue-next">', page)
    return markup.unescape(found.group(1)).split("#", 1)[0] if found else None


def walk(stack: Stack, token: str) -> list[list[str]]:
    """Every page of the queue from the first, by its "下一页" links."""
    pages, path = [], f"/dashboard?token={token}"
    while path:
        answer = stack.client.http.get(path)
        assert answer.status_code == 200, answer.body
        body = answer.body.decode()
        pages.append(queue_of(body))
        path = next_link(body) or ""
        assert len(pages) < 20, "the pages never end"
    return pages


def district() -> str:
    return access.staff_token("district_office", get_settings().district_scope)


def test_the_pages_list_every_waiting_filing_once_oldest_first(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN seven filings waiting in three towns, pages of three
    ids = file(stack, 7)
    monkeypatch.setattr(waiting, "PAGE_SIZE", 3)

    # WHEN the district walks the queue by its "下一页" links
    pages = walk(stack, district())

    # THEN three pages of at most three rows hold the seven, oldest first, each once
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [slip for p in pages for slip in p] == slips_of(ids)


def test_a_full_last_page_offers_no_empty_next_page(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN exactly two pages' worth of filings
    ids = file(stack, 4)
    monkeypatch.setattr(waiting, "PAGE_SIZE", 2)
    # WHEN walked THEN two pages, the second with no link to a third
    pages = walk(stack, district())
    assert pages == [slips_of(ids[:2]), slips_of(ids[2:])]


def test_a_later_page_links_back_to_the_first_and_keeps_the_language(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    file(stack, 3)
    monkeypatch.setattr(waiting, "PAGE_SIZE", 2)
    token = district()
    first = stack.client.http.get(f"/dashboard?token={token}&lang=en").body.decode()
    later = next_link(first)
    # THEN the next page's link keeps the language, and the first page has no "first" link
    assert later is not None and "lang=en" in later and 'id="queue-first"' not in first
    second = stack.client.http.get(later).body.decode()
    assert 'id="queue-first"' in second and 'id="queue-next"' not in second
    assert ">Next page<" in first and ">First page<" in second


def test_a_town_link_pages_its_own_town_only(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN filings in three towns, and 罗埠镇's link with pages of one
    ids = file(stack, 6)
    monkeypatch.setattr(waiting, "PAGE_SIZE", 1)
    pages = walk(stack, access.staff_token("town_office", "罗埠镇"))
    # THEN its two filings, one a page, and nothing of the other towns
    assert pages == [[s] for s in slips_of([ids[1], ids[4]])]


def test_filings_of_one_instant_across_shards_are_each_listed_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN nine filings stamped with the same instant (some sharing a shard), and pages
    # of two: only the table's key orders them
    bind_models()
    at = utcnow() - timedelta(hours=3)
    ids = []
    for n in range(9):
        fid = f"tie{n:02d}{'x' * 20}"
        Filing(
            filing_id=fid, form="enterprise-resumption", slip_no=f"TIE-{n}", status="in_review",
            stage=1, steps={}, town="罗埠镇", applicant=f"企业{n}", data={},
            queue_key=queue_key("enterprise-resumption", "罗埠镇", "in_review", fid),
            form_key=form_key("enterprise-resumption", "in_review", fid),
            created_at=at, updated_at=at,
        ).save()  # fmt: skip
        ids.append(fid)
    monkeypatch.setattr(waiting, "PAGE_SIZE", 2)
    # WHEN the district and the town walk their queues
    for token in (district(), access.staff_token("town_office", "罗埠镇")):
        pages = walk(stack, token)
        # THEN each of the nine once, in the table key's order, two a page
        assert [slip for p in pages for slip in p] == [f"TIE-{n}" for n in range(9)]
        assert max(len(p) for p in pages) == 2


def cursors(stack: Stack) -> dict[str, str]:
    """Cursors the queue must refuse on the district's link."""
    town = access.staff_token("town_office", "罗埠镇")
    page = stack.client.http.get(f"/dashboard?token={town}").body.decode()
    town_next = next_link(page)
    assert town_next is not None
    mine = waiting.list_key(access.use_staff_token(district()))
    good = links.sign(links.PAGE, {"q": mine, "a": ["2020-02-10T00:00:00.000000+0000", "x"]})
    todo = {"k": {"x": {"S": "y"}}, "q": "town_office#罗埠镇"}
    return {
        "garbage": "abc",
        "tampered": good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        "another link's": parse_qs(urlsplit(town_next).query)["cursor"][0],
        "the to-do list's": links.sign(links.PAGE, todo),
        "malformed": links.sign(links.PAGE, {"q": mine, "a": [1, 2]}),
    }


def test_a_cursor_the_list_did_not_give_is_a_400_that_changes_nothing(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a queue of two pages on each link
    file(stack, 4, ["罗埠镇"])
    monkeypatch.setattr(waiting, "PAGE_SIZE", 2)
    token = district()
    for name, cursor in cursors(stack).items():
        before = stack.item_count()
        # WHEN the district's dashboard is opened with it
        answer = stack.client.http.get(f"/dashboard?token={token}&cursor={cursor}")
        # THEN a 400 in Chinese, naming what to do, and nothing stored (not even the view)
        page = answer.body.decode()
        assert answer.status_code == 400, name
        assert "翻页链接无效" in page and "回到待审核队列第一页" in page, name
        assert 'class="facts queue"' not in page, name
        assert stack.item_count() == before, name


def test_an_expired_cursor_is_refused_too(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    file(stack, 3, ["罗埠镇"])
    monkeypatch.setattr(waiting, "PAGE_SIZE", 2)
    token = district()
    later = next_link(stack.client.http.get(f"/dashboard?token={token}").body.decode())
    assert later is not None
    monkeypatch.setattr(waiting, "CURSOR_SECONDS", -1)  # every cursor older than its age
    before = stack.item_count()
    answer = stack.client.http.get(later)
    assert answer.status_code == 400 and stack.item_count() == before


def test_a_position_reads_as_the_cursor_it_was_signed_from(stack: Stack) -> None:
    claim = access.use_staff_token(district())
    after = Position("2020-02-10T00:00:00.000000+0000", "abc")
    signed = links.sign(links.PAGE, {"q": waiting.list_key(claim), "a": list(after)})
    assert waiting.read_cursor(claim, signed) == after
    assert waiting.read_cursor(claim, None) is None and waiting.read_cursor(claim, "") is None

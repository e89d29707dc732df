"""End-to-end: the web page in Debian's Chromium (headless, through Playwright) against the app on localhost.

Skipped where Chromium or Playwright is missing; `.ci/run` installs both. Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed", allow_module_level=True)
# Checked at import, before any fixture builds the (slow) real-model index.
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(real_engine):
    import uvicorn

    from zhengce.api.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(engine=real_engine), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    requests: list[str] = []
    pg = context.new_page()
    pg.on("request", lambda r: requests.append(r.url))
    pg.base_url = base_url
    pg.requests = requests
    yield pg
    external = [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")]
    assert not external, f"external requests: {external}"
    context.close()


def test_duty_question_shows_units_and_citation_then_the_source(page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(page.base_url + "/")
    page.keyboard.press("/")
    page.keyboard.type("谁负责科技成果转化")
    page.keyboard.press("Enter")
    page.wait_for_selector("#answer .chip")
    chips = page.locator("#answer .chip").all_inner_texts()
    assert any("市科技局" in c for c in chips)
    assert page.locator("#answer .chip.lead").count() >= 1
    # Each chip is titled by its role: 牵头单位, 配合单位 where a clause states it, else 责任单位.
    titles = page.locator("#answer .chip").evaluate_all("cs => cs.map(c => [c.className, c.title])")
    assert all((t == "牵头单位") == ("lead" in cls) for cls, t in titles)
    assert {t for _, t in titles} <= {"牵头单位", "配合单位", "责任单位"}
    assert page.evaluate("[roleTitle({role: 'support', role_stated: false}), roleTitle({role: 'support', "
                         "basis: 'explicit'}), roleTitle({role: 'support', basis: 'listed'})]") == \
        ["责任单位", "配合单位", "责任单位"]
    # a cited task's deadline shows on its card; a clause without one shows none
    card = "(h) => hitCard(h).querySelector('.deadline')?.textContent ?? null"
    base = "{clause_id: 'd#1', doc_id: 'd', path: [], title: 't', excerpt: 'x', excerpt_marks: []"
    assert page.evaluate(f"({card})({base}, deadline: {{raw: '2025年6月底前', iso: '2025-06-30'}}}})") == \
        "完成时限：2025年6月底前"
    assert page.evaluate(f"({card})({base}}})") is None
    assert "“科创郑州”三年行动计划" in page.locator("#answer .sentence").inner_text()
    page.screenshot(path=str(ARTIFACTS / "answer.png"), full_page=True)
    # A chip expands to the clauses naming the unit.
    page.locator("#answer .chip", has_text="市科技局").first.click()
    page.wait_for_selector(".chip-clauses .hit")
    # Open the citation: the document view highlights the clause.
    page.locator(".hit .source").first.click()
    page.wait_for_selector("#cited")
    cited = page.locator("#cited").inner_text()
    assert "加强科技成果转化服务力度" in cited
    assert page.locator("#cited").is_visible()
    page.screenshot(path=str(ARTIFACTS / "source.png"))


def test_year_filter_restricts_results(page):
    page.goto(page.base_url + "/")
    page.locator("input[name=mode][value=search]").check()
    page.locator("#filters summary").click()
    page.fill("#f-year-from", "2020")
    page.fill("#f-year-to", "2020")
    page.fill("#q", "科技成果转化")
    page.click("#go")
    page.wait_for_selector(".hit")
    metas = page.locator(".hit .meta").all_inner_texts()
    dates = [m for m in metas if "·" in m]
    assert dates and all("2020-" in m for m in dates)


def test_unanswerable_question_shows_not_found(page):
    page.goto(page.base_url + "/#/q?q=" + "住房公积金怎么提取" + "&mode=ask")
    page.wait_for_selector("#not-found")
    assert "未找到" in page.locator("#not-found").inner_text()
    page.screenshot(path=str(ARTIFACTS / "not-found.png"))


def test_scripts_in_queries_are_shown_as_text(page):
    page.goto(page.base_url + "/")
    page.locator("input[name=mode][value=search]").check()
    page.fill("#q", "<img src=x onerror=alert(1)>科技")
    page.click("#go")
    page.wait_for_selector(".hit, #not-found")
    assert page.locator("img").count() == 0


def test_units_directory_and_phone_width(page, browser, base_url):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(page.base_url + "/#/units")
    page.wait_for_selector("#units-table")
    assert page.locator("#units-table tbody tr").count() > 20
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    page.screenshot(path=str(ARTIFACTS / "units-phone.png"))


def test_precedent_view_is_a_timeline_with_differences_marked(page):
    page.goto(page.base_url + "/")
    page.locator("input[name=mode][value=precedent]").check()
    page.fill("#q", "完善科技贷款风险补偿机制，引导政策性担保机构提供贷款增信服务")
    page.click("#go")
    page.wait_for_selector(".tl-year")
    years = [y for y in page.locator(".tl-year").all_inner_texts() if y[:4].isdigit()]
    assert years == sorted(years) and len(years) >= 2
    assert page.locator("mark.diff").count() > 0

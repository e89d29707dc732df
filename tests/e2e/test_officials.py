"""End-to-end, in Chromium: /docs with no network, ?q= links, printing, the duty matrix download and
the 添加文件 panel, against a server on a copy of the seeds index (fake embedder) with an admin token."""

from __future__ import annotations

import io
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
if not Path(CHROMIUM).exists():
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

TOKEN = "e2e-admin-token-0123456789"
QUESTION = "谁负责科技成果转化"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(fake_index_dir, tmp_path_factory):
    import uvicorn

    from zhengce.api.app import create_app

    target = tmp_path_factory.mktemp("e2e") / "idx"
    shutil.copytree(fake_index_dir.resolve(), target)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(index_dir=target, admin_token=TOKEN), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        thread.join(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def offline_page(browser, base_url):
    """A page whose network is cut: every request not to the local server is aborted (and recorded)."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN", accept_downloads=True)
    here = urlparse(base_url).netloc
    blocked: list[str] = []
    problems: list[str] = []

    def gate(route):
        url = route.request.url
        if urlparse(url).netloc == here or url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", gate)
    pg = context.new_page()
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.base_url, pg.blocked, pg.problems = base_url, blocked, problems
    yield pg
    context.close()
    assert not blocked, f"requests to the internet: {blocked}"
    csp = [p for p in problems if "Content Security Policy" in p]
    assert not csp, csp


def test_docs_render_their_operations_with_no_network(offline_page):
    page = offline_page
    page.goto(page.base_url + "/docs")
    page.wait_for_selector(".opblock", timeout=20000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/search", "/ask", "/duties", "/documents", "/jobs/{job_id}"):
        assert any(s.replace("\u200b", "") == path for s in summaries), (path, summaries)
    assert page.locator(".opblock").count() >= 15
    # Opening an operation shows its parameters.
    page.locator(".opblock-summary", has_text="/duties").first.click()
    page.wait_for_selector(".parameters-container")
    assert "format" in page.locator(".parameters-container").first.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "docs-offline.png"))


def test_a_q_link_runs_the_question(offline_page):
    page = offline_page
    page.goto(f"{page.base_url}/?q={quote(QUESTION)}")
    page.wait_for_selector("#answer .chip")
    assert page.locator("#q").input_value() == QUESTION
    assert page.locator("input[name=mode][value=ask]").is_checked()
    assert page.locator("#answer .chip.lead").count() >= 1
    assert "#/q?" in page.url  # from now on the usual hash route, so the back button works
    page.goto(f"{page.base_url}/?q={quote('科技贷款风险补偿')}&mode=search")
    page.wait_for_selector(".hit")
    assert page.locator("input[name=mode][value=search]").is_checked()
    assert page.locator(".hit").count() >= 3
    # The hash route keeps working.
    page.goto(f"{page.base_url}/#/q?q={quote('完善科技贷款风险补偿机制')}&mode=precedent")
    page.wait_for_selector(".tl-year")


def test_print_view_shows_the_answer_citations_and_notice_metadata(offline_page):
    page = offline_page
    page.goto(f"{page.base_url}/?q={quote(QUESTION)}")
    page.wait_for_selector("#answer .chip")
    assert page.locator("#print").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#search-form").is_visible() and not page.locator("header.bar").is_visible()
    assert not page.locator("#print").is_visible()
    assert page.locator("#answer .sentence").is_visible() and page.locator("#answer .chip").first.is_visible()
    first = page.locator(".hit").first
    assert first.locator(".fulltext").is_visible()  # the whole clause, not an excerpt
    metas = [m.inner_text() for m in (h.locator(".meta").first for h in page.locator(".hit").all())
             if m.is_visible()]
    assert len(metas) == page.locator(".hit").count()
    assert any("〔" in m and "·" in m for m in metas), metas  # title · issuer · date · 文号
    assert QUESTION in page.locator("#answer .print-only").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "answer-print.png"), full_page=True)
    page.emulate_media(media="screen")


def test_duty_matrix_downloads_from_a_notice_and_a_unit(offline_page):
    from openpyxl import load_workbook

    page = offline_page
    doc = "000_839afbcfa68b4ffc"
    page.goto(f"{page.base_url}/#/doc/{doc}")
    page.wait_for_selector("#original")
    with page.expect_download() as info:
        page.locator("a.download").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    rows = list(load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active.iter_rows(values_only=True))
    expected = page.request.get(f"{page.base_url}/duties?doc={doc}").json()["rows"]
    assert rows[0][:3] == ("序号", "任务", "牵头单位") and [r[1] for r in rows[1:]] == [e["task"] for e in expected]
    page.goto(f"{page.base_url}/#/units/{quote('市科技局')}")
    page.wait_for_selector("h2:has-text('市科技局')")
    href = page.locator("a.download").get_attribute("href")
    assert href == f"/duties?unit={quote('市科技局')}&format=xlsx", href


def test_add_files_panel_needs_the_token_and_lists_each_files_result(offline_page, tmp_path):
    page = offline_page
    page.goto(f"{page.base_url}/#/admin")
    page.wait_for_selector("#admin-login")
    assert page.locator("#upload-form").count() == 0  # nothing to upload with before the token
    page.fill("#admin-token", "wrong-token")
    page.locator("#admin-login button").click()
    sync_api.expect(page.locator("#status")).to_contain_text("令牌不正确")
    assert page.locator("#upload-form").count() == 0
    page.fill("#admin-token", TOKEN)
    page.locator("#admin-login button").click()
    page.wait_for_selector("#upload-form")
    good = tmp_path / "e2e_quantum.txt"
    good.write_text("关于推进量子通信示范工程的通知\n一、重点任务\n1.建设量子通信示范工程。(责任单位:市量子办)\n",
                    encoding="utf-8")
    bad = tmp_path / "broken.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    page.set_input_files("#upload-files", [str(good), str(bad)])
    page.click("#upload-go")
    page.wait_for_selector("#upload-results li[data-status=indexed]", timeout=60000)
    sync_api.expect(page.locator("#status")).to_contain_text("完成", timeout=60000)
    results = page.locator("#upload-results li").all_inner_texts()
    assert any("e2e_quantum.txt" in r and "已索引" in r for r in results)
    assert any("broken.txt" in r and "失败" in r and "binary" in r for r in results)
    assert page.locator("#doc-list li", has_text="e2e_quantum").count() == 1
    page.screenshot(path=str(ARTIFACTS / "add-files.png"))
    # The new notice answers searches now.
    page.goto(f"{page.base_url}/?q={quote('量子通信示范工程')}&mode=search")
    page.wait_for_selector(".hit")
    assert "量子通信" in page.locator(".hit h3").first.inner_text()

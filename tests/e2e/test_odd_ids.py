"""Issue 16, row 12, in the page: 查看原文 opens a document whose id holds ``?``, ``#``, spaces or emoji.

Chromium (headless, through Playwright) against the app with the fake embedder on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.test_odd_ids import ODD, odd_url  # noqa: F401  (fixtures)
from tests.e2e.conftest import CHROMIUM

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")


@pytest.mark.parametrize("doc_id", list(ODD.values()))
def test_row12_source_link_opens_documents_with_odd_ids(browser, odd_url, doc_id):  # noqa: F811
    page = browser.new_page()
    try:
        page.goto(odd_url + "/")
        page.locator("input[name=mode][value=search]").check()
        page.evaluate("id => { location.hash = '#/doc/' + encodeURIComponent(id) }", doc_id)
        page.wait_for_selector("h2")
        assert "出错了" not in page.locator("body").inner_text()
        # From a search hit, as a reader would: the link encodes both ids.
        page.fill("#q", "科技")
        page.keyboard.press("Enter")
        link = page.locator(f".hit .source[href*='{_encoded(doc_id)}']").first
        link.wait_for()
        link.click()
        page.wait_for_selector("#cited")
        assert "出错了" not in page.locator("body").inner_text()
    finally:
        page.close()


def _encoded(doc_id: str) -> str:
    from urllib.parse import quote

    return quote(doc_id, safe="-_.!~*'()")  # what encodeURIComponent gives

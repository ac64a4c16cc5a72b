"""Steps a delegate takes on their personal page (/d/<link>), shared by the journeys that take them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.speeches.conftest import docx_bytes

CONTRIBUTION_TITLE = "Tham luận về chuyển đổi số trong cơ quan Đảng"


def send_contribution(page: Any, link: str, item_id: str, folder: Path) -> Any:
    """Open the personal page, send a written contribution (a DOCX) on the item and see it received;
    returns the page's locator of the item."""
    from playwright.sync_api import expect

    page.goto(f"/d/{link}")
    item = page.locator(f"#item-{item_id}")
    item.get_by_text("Đăng ký phát biểu hoặc gửi tham luận").click()
    item.locator("input[name$=-title]").fill(CONTRIBUTION_TITLE)
    upload = folder / "tham-luan.docx"
    upload.write_bytes(docx_bytes("Toàn văn tham luận"))
    item.locator("input[type=file]").set_input_files(str(upload))
    item.get_by_role("button", name="Gửi").click()
    expect(page.locator(".flashes")).to_contain_text("Tham luận của đồng chí đã được gửi")
    return item

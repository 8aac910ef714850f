"""数据导入 and 账号 in a real browser, on a private copy of the demo zone (they change data): a bad
file shows its row-level errors and changes nothing, a dry run shows the batch summary, a batch is
reverted; an admin creates a user, disables it, generates and revokes an API key, filters the audit."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.assistant.conftest import Zone
from tests.assistant.web.conftest import PHONE, Visit

pytestmark = pytest.mark.slow


def tax_file(zone: Zone, folder: Path, *, bad: bool) -> Path:
    """The first rows of the demo zone's 2023 tax file, as UTF-8; `bad` spoils one revenue cell."""
    source = next((zone.data_dir / "demo-sources").glob("税务_*_2023.csv"))
    raw = source.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gbk")
    rows = list(csv.reader(io.StringIO(text)))[:4]
    if bad:
        rows[2][2] = "一百二十万左右"  # 营业收入（元） of the second data row: file row 3
    out = folder / ("bad.csv" if bad else "good.csv")
    with out.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return out


def test_a_bad_upload_shows_its_row_errors_and_a_dry_run_its_summary(
        visit: Callable[..., Visit], isolated_server: str, zone: Zone, tmp_path: Path) -> None:
    v = visit(base=isolated_server)
    v.login("official")
    v.goto("/imports")
    v.page.locator("#batches tbody tr").first.wait_for()
    batches = v.api_json("/api/imports")
    v.page.select_option("select[name=source]", "tax")
    v.page.fill("input[name=year]", "2023")
    v.page.set_input_files("input[name=file]", str(tax_file(zone, tmp_path, bad=True)))
    with v.page.expect_response(lambda r: r.url.endswith("/api/imports") and r.request.method == "POST") as info:
        v.page.click("#upload button[type=submit]")
    assert info.value.status == 422
    report = info.value.json()["error"]["details"]
    v.page.locator(".import-errors").wait_for()
    cells = v.page.locator(".import-errors tr.cell-error")
    assert cells.count() == len(report["errors"]) >= 1
    first = report["errors"][0]
    assert first["row"] == 3 and "营业收入" in first["column"]
    assert cells.first.locator("td").nth(1).inner_text() == "3" and first["reason"] in cells.first.inner_text()
    assert v.api_json("/api/imports") == batches  # nothing imported
    v.screenshot("imports-errors")
    # the intact rows, checked only: the summary, still nothing written
    v.page.set_input_files("input[name=file]", str(tax_file(zone, tmp_path, bad=False)))
    v.page.check("input[name=dry_run]")
    with v.page.expect_response(lambda r: r.url.endswith("/api/imports") and r.request.method == "POST") as info:
        v.page.click("#upload button[type=submit]")
    assert info.value.status == 200, info.value.text()
    summary = info.value.json()
    v.page.locator(".import-summary").wait_for()
    assert f"读取行数：{summary['rows_read']}" in v.page.locator(".import-summary").inner_text()
    assert v.api_json("/api/imports") == batches
    v.clean(allow=("/api/imports",))


def test_an_official_reverts_a_batch(visit: Callable[..., Visit], isolated_server: str) -> None:
    v = visit(base=isolated_server)
    v.login("official")
    v.goto("/imports")
    v.page.locator("#batches tbody tr").first.wait_for()
    batch = next(b for b in v.api_json("/api/imports") if b["status"] != "reverted")
    v.page.once("dialog", lambda d: d.accept())
    row = v.page.locator(f"#batches tr[data-batch='{batch['id']}']")
    with v.page.expect_response(lambda r: r.url.endswith(f"/api/imports/{batch['id']}/revert")) as info:
        row.get_by_role("button", name="撤销").click()
    assert info.value.status == 200, info.value.text()
    v.page.locator(f"#batches tr[data-batch='{batch['id']}'] .batch-status", has_text="已撤销").wait_for()
    assert next(b for b in v.api_json("/api/imports") if b["id"] == batch["id"])["status"] == "reverted"
    v.clean()


def test_an_admin_manages_users_keys_and_reads_the_audit(visit: Callable[..., Visit], isolated_server: str) -> None:
    v = visit(base=isolated_server)
    v.login("admin")
    v.goto("/accounts")
    v.page.locator("#users tr[data-user=official]").wait_for()
    form = v.page.locator("#new-user")
    form.locator("input[name=username]").fill("portal-new")
    form.locator("input[name=password]").fill("portal-new-2026")
    form.locator("input[name=display_name]").fill("新同事")
    with v.page.expect_response(lambda r: r.url.endswith("/api/users") and r.request.method == "POST") as info:
        form.locator("button[type=submit]").click()
    assert info.value.status == 201, info.value.text()
    row = v.page.locator("#users tr[data-user='portal-new']")
    row.wait_for()
    row.get_by_role("button", name="停用").click()
    v.page.locator("#users tr[data-user='portal-new'] .user-status", has_text="已停用").wait_for()
    assert next(u for u in v.api_json("/api/users") if u["username"] == "portal-new")["disabled"] is True
    v.page.locator("#users tr[data-user=official]").get_by_role("button", name="API 密钥").click()
    v.page.get_by_role("button", name="生成新密钥").click()
    key = v.page.locator(".new-key").inner_text()
    assert key and v.api_json("/api/users/official/api-keys")[-1]["prefix"] == key[:12]
    v.page.locator("#keys li button", has_text="吊销").last.click()
    v.page.locator("#keys li", has_text="已吊销").wait_for()
    assert v.api_json("/api/users/official/api-keys")[-1]["revoked"] is True
    audit = v.page.locator("#audit-form")
    audit.locator("input[name=action]").fill("disable_user")
    with v.page.expect_response(lambda r: "action=disable_user" in r.url):
        audit.get_by_role("button", name="筛选").click()
    v.page.locator("#audit .audit-action", has_text="disable_user").first.wait_for()
    assert set(v.page.locator("#audit .audit-action").all_inner_texts()) == {"disable_user"}
    v.screenshot("accounts-admin")
    v.clean()


def test_the_admin_pages_fit_a_phone(visit: Callable[..., Visit], isolated_server: str) -> None:
    v = visit(base=isolated_server, viewport=PHONE)
    v.login("admin")
    for path, ready in (("/imports", "#batches tbody tr"), ("/accounts", "#users tbody tr"), ("/rankings", "#ranking tbody tr"),
                        ("/lists", "#list tbody tr")):
        v.goto(path)
        v.page.locator(ready).first.wait_for()
        v.page.wait_for_load_state("networkidle")  # the page's slower reads (数据缺口) finish too
        v.no_horizontal_scroll()
        v.screenshot(f"phone{path.replace('/', '-')}")
    v.clean()


def test_data_gaps_and_a_self_report_form_download(visit: Callable[..., Visit], isolated_server: str, zone: Zone) -> None:
    v = visit(base=isolated_server)
    v.login("official")
    v.goto("/imports")
    v.page.locator("#batches tbody tr").first.wait_for()
    v.page.click("#gap-find")
    v.page.locator("#gap-firms tbody tr").first.wait_for()
    d = v.api_json(f"/api/gaps?year={zone.latest_year}&page=1&size=20")
    assert [r.get_attribute("data-uscc") for r in v.page.locator("#gap-firms tbody tr").all()] == [e["uscc"] for e in d["enterprises"]]
    assert v.page.locator("#gap-summary tbody tr").count() == len(d["summary"])
    assert f"共 {d['gaps']} 项" in v.page.locator("#gap-status").inner_text()
    firm = next(e for e in d["enterprises"] if e["form_years"])
    with v.page.expect_download() as info:
        v.page.locator(f"#gap-firms tr[data-uscc='{firm['uscc']}'] a.gap-form").first.click()
    assert info.value.suggested_filename == f"企业填报表_{firm['name']}_{firm['form_years'][0]}.xlsx"
    v.screenshot("imports-gaps")
    v.clean()

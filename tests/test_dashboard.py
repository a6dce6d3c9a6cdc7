"""The status dashboard (``output/dashboard/index.html``) built from the
reporting scenario (tests/reporting_scenario.py), checked as a file and in a
real browser: Debian's chromium, headless, driven by Selenium through
chromium-driver (``.ci/run`` installs both).  The expected rows and counts are
known by construction from the scenario, never read from the page's own data.

Set ``KEHOACH_SCREENSHOT=1`` to refresh docs/images/dashboard.png (the README
shows it) from this test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import kehoach
from kehoach.build import BuildOptions, build

from reporting_scenario import AFTER, DRAFTS, LATE, ON_TIME, write_scenario

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT = ROOT / "docs" / "images" / "dashboard.png"
WORDS = {"hoan-thanh": "Hoàn thành", "dang-thuc-hien": "Đang thực hiện", "chua-thuc-hien": "Chưa thực hiện",
         "chua-bao-cao": "Chưa có báo cáo"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("dashboard")
    plan_dir = write_scenario(root / "plan")
    plan = kehoach.load_plan(plan_dir)
    build(plan, root / "out", options=BuildOptions(as_of=AFTER))
    return plan, root / "out" / "dashboard" / "index.html", root


def expected_rows(plan) -> list[tuple[str, str, str, str]]:
    """(task id, agency id, group id, status) of every row, from the plan and the
    scenario: Văn phòng answered everything "hoàn thành", Phòng Tư pháp
    everything "đang thực hiện", Phòng Y tế its first lead task "hoàn thành"
    and the rest "đang thực hiện"; drafts and absent agencies count for nothing."""
    health_first = plan.tasks_led_by("phong-y-te")[0].id
    out = []
    for group in plan.appendix.groups:
        for task in group.tasks:
            for agency in plan.lead_agencies(task) + plan.support_agencies(task):
                if agency == "vp-hdnd-ubnd":
                    status = "hoan-thanh"
                elif agency == "phong-tu-phap":
                    status = "dang-thuc-hien"
                elif agency == "phong-y-te":
                    status = "hoan-thanh" if task.id == health_first else "dang-thuc-hien"
                else:
                    status = "chua-bao-cao"
                out.append((task.id, agency, group.id, status))
    return out


def test_page_is_self_contained_and_reproducible(built, tmp_path):
    plan, page, _ = built
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="vi">' in text
    # nothing fetched: no external script, style, image or font
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)=', text)
    assert "@import" not in text and "url(" not in text
    assert [u for u in re.findall(r"https?://[^\s\"'<>]+", text) if u != "http://www.w3.org/2000/svg"] == []
    from kehoach.build import documents_of
    from kehoach.documents import dashboard
    (again,) = documents_of(dashboard.DOCUMENT_KIND, kehoach.load_plan(plan.source_dir), BuildOptions(as_of=AFTER))
    assert again.path == "dashboard/index.html" and again.data == page.read_bytes()


def test_rows_in_the_html(built):
    plan, page, _ = built
    text = page.read_text(encoding="utf-8")
    rows = re.findall(r'<tr class="[a-z]*" data-agency="([^"]+)" data-group="([^"]+)" data-status="([^"]+)">'
                      r"<td>([^<]+)</td>", text)
    assert [(t, a, g, s) for a, g, s, t in rows] == expected_rows(plan)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("the browser test needs Debian's chromium and chromium-driver (apt-get install chromium "
                    "chromium-driver; .ci/run does it)")
    options = Options()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1600", "--lang=vi"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


#: The rows the browser lays out (a hidden row has no client rects), as rendered text.
SHOWN = """
return Array.from(document.querySelectorAll('#bang-nhiem-vu tbody tr'))
  .filter(tr => tr.getClientRects().length > 0)
  .map(tr => [0, 2, 4].map(i => tr.cells[i].innerText.trim()));
"""


def shown(driver) -> list[tuple[str, str, str]]:
    """(task id, agency short name, status word) of the rows the browser displays
    (one script call: a WebDriver round trip per cell takes minutes for 500 rows)."""
    return [tuple(row) for row in driver.execute_script(SHOWN)]


def counts(driver) -> dict[str, int]:
    return {key: int(driver.find_element("id", f"dem-{key}").text) for key in [*WORDS, "tong"]}


def choose(driver, select_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select
    Select(driver.find_element("id", select_id)).select_by_value(value)


def expect(plan, rows, agency=None, group=None, status=None):
    chosen = [r for r in rows if (agency is None or r[1] == agency) and (group is None or r[2] == group)
              and (status is None or r[3] == status)]
    table = [(t, plan.registry.short_name(a), WORDS[s]) for t, a, g, s in chosen]
    numbers = {key: sum(1 for r in chosen if r[3] == key) for key in WORDS}
    numbers["tong"] = len(chosen)
    return table, numbers


def test_filters_and_counts_in_a_real_browser(built, browser):
    plan, page, _ = built
    rows = expected_rows(plan)
    browser.get(page.as_uri())
    assert browser.title.startswith("Tình hình thực hiện")
    table, numbers = expect(plan, rows)
    assert counts(browser) == numbers and len(shown(browser)) == len(table)

    choose(browser, "loc-co-quan", "phong-tu-phap")
    table, numbers = expect(plan, rows, agency="phong-tu-phap")
    assert shown(browser) == table and counts(browser) == numbers
    assert numbers == {"hoan-thanh": 0, "dang-thuc-hien": 7, "chua-thuc-hien": 0, "chua-bao-cao": 0, "tong": 7}

    choose(browser, "loc-tinh-trang", "hoan-thanh")
    assert shown(browser) == [] and counts(browser)["tong"] == 0

    choose(browser, "loc-co-quan", "phong-y-te")
    health_first = plan.tasks_led_by("phong-y-te")[0].id
    assert shown(browser) == [(health_first, "Phòng Y tế", "Hoàn thành")]

    choose(browser, "loc-co-quan", "")
    choose(browser, "loc-tinh-trang", "dang-thuc-hien")
    group = plan.appendix.groups[1]
    choose(browser, "loc-nhom", group.id)
    table, numbers = expect(plan, rows, group=group.id, status="dang-thuc-hien")
    assert table and shown(browser) == table and counts(browser) == numbers

    choose(browser, "loc-tinh-trang", "")
    table, numbers = expect(plan, rows, group=group.id)
    assert shown(browser) == table and counts(browser) == numbers


def test_overdue_and_late_highlighted_in_a_real_browser(built, browser):
    plan, page, _ = built
    browser.get(page.as_uri())
    returns = {tr.get_attribute("data-agency"): tr for tr in
               browser.find_elements("css selector", "#bang-bao-cao tbody tr")}
    colour = {a: tr.find_element("tag name", "td").value_of_css_property("background-color")
              for a, tr in returns.items()}
    assert {a for a in colour if colour[a] == "rgba(255, 243, 224, 1)"} == set(LATE)
    overdue = {a for a in colour if colour[a] == "rgba(255, 235, 238, 1)"}
    assert overdue == set(returns) - set(ON_TIME) - set(LATE) and set(DRAFTS) <= overdue
    assert returns["phong-tu-phap"].find_elements("tag name", "td")[1].text == "gửi muộn"
    assert returns["thanh-tra"].find_elements("tag name", "td")[1].text == "chưa gửi (bản nháp chưa đủ), quá hạn"
    assert browser.find_element("id", "da-gui").text == "3" and browser.find_element("id", "gui-muon").text == "1"
    # a task row of a late agency is highlighted too
    choose(browser, "loc-co-quan", "phong-tu-phap")
    row = next(tr for tr in browser.find_elements("css selector", "#bang-nhiem-vu tbody tr") if tr.is_displayed())
    assert row.find_element("tag name", "td").value_of_css_property("background-color") == "rgba(255, 243, 224, 1)"
    # the chart: one bar group per agency with tasks, segments summing to its rows
    bars = browser.find_elements("css selector", "#bieu-do g.cot")
    by_agency = {}
    for t, a, g, s in expected_rows(plan):
        by_agency[a] = by_agency.get(a, 0) + 1
    drawn = {b.get_attribute("data-agency"): sum(int(r.get_attribute("data-count"))
                                                 for r in b.find_elements("css selector", "rect")) for b in bars}
    assert drawn == by_agency


def test_screenshot(built, browser):
    plan, page, root = built
    browser.get(page.as_uri())
    choose(browser, "loc-nhom", plan.appendix.groups[1].id)
    target = root / "dashboard.png"
    assert browser.save_screenshot(str(target))
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    if os.environ.get("KEHOACH_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, SCREENSHOT)

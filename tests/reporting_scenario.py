"""A reporting period whose returns are written here with known content, shared
by the consolidation, dashboard and report-reading tests.

The fixture plan (``tests/fixtures/reporting/plan``, a copy of the bundled plan)
gets, for 2025-H1 (due 20/6/2025):

* ``phong-y-te``: submitted 18/6 (on time), every task answered, with figures,
  a note and the whole narrative;
* ``vp-hdnd-ubnd``: submitted on the due day itself (on time);
* ``phong-tu-phap``: submitted 24/6 (late), every task answered;
* ``thanh-tra``: the blank return ``report init`` wrote (a draft);
* ``ttyt``: partly filled, no date (a draft);
* ``ttvh-tt-tt``: partly filled but dated (still a draft, KH110);
* every other agency: no file at all.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

import kehoach
from kehoach.returns import init_returns

PLAN = Path(__file__).resolve().parent / "fixtures" / "reporting" / "plan"
PERIOD = "2025-H1"
DUE = dt.date(2025, 6, 20)
AFTER = dt.date(2025, 6, 25)

ON_TIME = ("vp-hdnd-ubnd", "phong-y-te")          # in reporters order
LATE = ("phong-tu-phap",)
DRAFTS = ("thanh-tra", "ttyt", "ttvh-tt-tt")

NARRATIVE = {
    "phong-y-te": {
        "direction": "Ban hành Kế hoạch số 12/KH-PYT triển khai công tác trẻ em năm 2025.",
        "overview": "Hoàn thành rà soát hồ sơ trẻ em có hoàn cảnh đặc biệt trên toàn huyện.",
        "achievements": "Chi trả trợ cấp kịp thời cho 125 trẻ em có hoàn cảnh đặc biệt.",
        "shortcomings": "Hồ sơ bàn giao từ cơ quan cũ chưa đầy đủ.",
        "causes": "Sắp xếp tổ chức bộ máy, thay đổi cán bộ phụ trách.",
        "next_steps": "Hoàn thiện cơ sở dữ liệu trẻ em trong quý III.",
        "recommendations": "Đề nghị UBND huyện bổ sung kinh phí tập huấn.",
    },
    "phong-tu-phap": {
        "achievements": "Rà soát xong 14 văn bản có nội dung liên quan đến trẻ em.",
        "shortcomings": "Gửi báo cáo chậm so với thời hạn.",
    },
}
HEALTH_RESULT = "Rà soát 125 hồ sơ trẻ em có hoàn cảnh đặc biệt"
HEALTH_NOTE = "Đã báo cáo Sở Y tế"
JUSTICE_DIFFICULTY = "Thiếu tài liệu tuyên truyền bằng tiếng dân tộc"


def _answer_all(data: dict, agency: str, status: str) -> None:
    for task in data["tasks"]:
        task["status"] = status
        task["result"] = f"{agency} thực hiện nhiệm vụ {task['task']}"


def write_scenario(target: Path) -> Path:
    """Copy the fixture plan to ``target`` and write the returns above; return ``target``."""
    shutil.copytree(PLAN, target)
    plan = kehoach.load_plan(target)
    blanks = init_returns(plan, PERIOD)

    def data(agency):
        return yaml.safe_load(blanks[f"reports/{PERIOD}/{agency}.yaml"])

    returns = {}
    health = data("phong-y-te")
    _answer_all(health, "phong-y-te", "dang-thuc-hien")
    first = health["tasks"][0]            # 1.2, its first lead task
    first.update(status="hoan-thanh", result=HEALTH_RESULT, note=HEALTH_NOTE,
                 figures=[{"name": "Trẻ em được rà soát", "value": 125, "unit": "trẻ em"},
                          {"name": "Tỷ lệ hồ sơ đầy đủ", "value": "92.5", "unit": "%"}])
    health["submitted"] = "2025-06-18"
    health["summary"].update(NARRATIVE["phong-y-te"])
    returns["phong-y-te"] = health

    office = data("vp-hdnd-ubnd")
    _answer_all(office, "vp-hdnd-ubnd", "hoan-thanh")
    office["submitted"] = "2025-06-20"
    returns["vp-hdnd-ubnd"] = office

    justice = data("phong-tu-phap")
    _answer_all(justice, "phong-tu-phap", "dang-thuc-hien")
    for task in justice["tasks"]:
        if task["task"] == "2.3":
            task["difficulties"] = JUSTICE_DIFFICULTY
    justice["submitted"] = "2025-06-24"
    justice["summary"].update(NARRATIVE["phong-tu-phap"])
    returns["phong-tu-phap"] = justice

    partial = data("ttyt")
    partial["tasks"][0].update(status="hoan-thanh", result="ttyt chưa gửi")
    returns["ttyt"] = partial

    dated = data("ttvh-tt-tt")
    dated["tasks"][0].update(status="hoan-thanh", result="ttvh-tt-tt chưa gửi")
    dated["submitted"] = "2025-06-19"
    returns["ttvh-tt-tt"] = dated

    folder = target / "reports" / PERIOD
    folder.mkdir(parents=True, exist_ok=True)
    for agency, content in returns.items():
        (folder / f"{agency}.yaml").write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    (folder / "thanh-tra.yaml").write_text(blanks[f"reports/{PERIOD}/thanh-tra.yaml"], encoding="utf-8")
    return target

"""The task-level plan diff (kehoach.diff): sides from git revisions and
directories, every kind of change, in Markdown and JSON.

Every history is built here: the bundled plan copied into a fresh git
repository under tmp_path, committed, edited as YAML text, committed again.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from conftest import PLAN, position, replace_once
from kehoach import check_plan
from kehoach.diff import (
    AgencyRef, DiffError, GroupRef, PlanDiff, diff_plans, load_side, to_json, to_markdown, word_diff,
)
from kehoach.model import Block, Section

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Kiểm thử", "GIT_AUTHOR_EMAIL": "kiem-thu@example.invalid",
    "GIT_COMMITTER_NAME": "Kiểm thử", "GIT_COMMITTER_EMAIL": "kiem-thu@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "GIT_CONFIG_GLOBAL": os.devnull}
    result = subprocess.run(
        ["git", "-c", "user.name=Kiểm thử", "-c", "user.email=kiem-thu@example.invalid",
         "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def new_repo(path: Path) -> Path:
    """A repository whose first commit (tagged v1) holds the bundled plan as plan/."""
    path.mkdir()
    shutil.copytree(PLAN, path / "plan")
    git(path, "-c", "init.defaultBranch=main", "init", "-q")
    commit(path, "v1", tag="v1")
    return path


def commit(repo: Path, message: str, tag: str | None = None) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)


def cut(path: Path, start: str, end: str) -> str:
    """Remove the text from ``start`` (included) to ``end`` (excluded); return it."""
    text = path.read_text(encoding="utf-8")
    i, j = text.index(start), text.index(end)
    path.write_text(text[:i] + text[j:], encoding="utf-8")
    return text[i:j]


# -- the edits ----------------------------------------------------------------------------------


def reflow(plan: Path) -> None:
    """Edits that change the YAML text but not the plan: re-wrapped folded text,
    doubled spaces, a flow list written as a block list, a comment."""
    replace_once(plan / "tasks.yaml", "huyện ban\n          hành có", "huyện\n          ban hành có")
    replace_once(plan / "tasks.yaml", "Hội nghị tuyên truyền, tài liệu", "Hội nghị tuyên truyền,  tài liệu")
    replace_once(plan / "tasks.yaml", "        support: [phong-tc-kh, phong-noi-vu, ubnd-cac-xa]\n",
                 "        support:\n          - phong-tc-kh\n          - phong-noi-vu\n          - ubnd-cac-xa\n")
    replace_once(plan / "plan.yaml", "# Chế độ báo cáo (mục III.2)", "# Chế độ báo cáo định kỳ (mục III.2)")


def big_edit(plan: Path) -> None:
    """One commit touching every area: the changes a reviewer must see."""
    t, a, p = plan / "tasks.yaml", plan / "agencies.yaml", plan / "plan.yaml"
    # tasks: lead, coordinators, timeline, output, content, removed, added, moved, renumbered (exact
    # and with an edit), a task group renamed and one added
    replace_once(t, "        lead: phong-y-te\n        support: [ttyt, phong-tu-phap, ubnd-cac-xa]",
                 "        lead: phong-vh-kh-tt\n        support: [ttyt, phong-tu-phap, ubnd-cac-xa]")
    replace_once(t, "support: [phong-y-te, phong-gd-dt, phong-noi-vu, vp-hdnd-ubnd]",
                 "support: [phong-gd-dt, phong-noi-vu, vp-hdnd-ubnd, thanh-tra]")
    replace_once(t, '        support: [phong-y-te, phong-gd-dt, phong-dan-toc]\n        timeline: Năm 2025',
                 '        support: [phong-y-te, phong-gd-dt, phong-dan-toc]\n        timeline: "2025-2026"')
    replace_once(t, "truyền hình bằng tiếng phổ thông và\n          tiếng dân tộc thiểu số.",
                 "truyền hình bằng tiếng phổ thông, tiếng Mông,\n          tiếng Dao và tiếng Thái.")
    replace_once(t, "ưu tiên trẻ em ở các xã đặc biệt khó khăn.", "ưu tiên trẻ em ở các thôn, bản đặc biệt khó khăn.")
    cut(t, '      - id: "1.3"', '      - id: "1.4"')
    replace_once(t, "  - id: nhom-3", '''      - id: "2.9"
        content: >-
          Tổ chức Diễn đàn trẻ em cấp huyện để trẻ em được bày tỏ ý kiến, nguyện
          vọng về các vấn đề liên quan đến trẻ em.
        lead: huyen-doan
        support: [phong-y-te, phong-gd-dt]
        timeline: Hằng năm
        output: Diễn đàn trẻ em cấp huyện được tổ chức hằng năm.

  - id: nhom-3''')
    task_5_2 = cut(t, '      - id: "5.2"', '      - id: "5.3"')
    replace_once(t, "\n  - id: nhom-5", "\n" + task_5_2.rstrip("\n") + "\n\n  - id: nhom-5")
    replace_once(t, '      - id: "6.3"', '      - id: "6.4"')
    replace_once(t, '      - id: "7.4"', '      - id: "7.5"')
    replace_once(t, "trao\n          học bổng, quà tặng cho", "trao\n          học bổng, quà tặng, áo ấm cho")
    replace_once(t, "Tăng cường hợp tác, tranh thủ", "Tăng cường hợp tác quốc tế, tranh thủ")
    with open(t, "a", encoding="utf-8") as out:
        out.write('''
  - id: nhom-8
    title: Sơ kết, tổng kết việc thực hiện Kế hoạch
    tasks:
      - id: "8.1"
        content: Tổ chức sơ kết giữa kỳ việc thực hiện Kế hoạch.
        lead: vp-hdnd-ubnd
        support: [phong-y-te]
        timeline: "2027"
        output: Báo cáo sơ kết.
''')
    # agencies: renamed (name, short name), code, retired (until), removed, added, group members
    replace_once(a, "    name: Phòng Y tế\n", "    name: Phòng Y tế và Xã hội\n")
    replace_once(a, "short_name: Phòng DT&TG", "short_name: Phòng Dân tộc - Tôn giáo")
    replace_once(a, "    code: PTP\n", "    code: TP\n")
    replace_once(a, "    parent: BỘ CHQS TỈNH LAI CHÂU\n", '    parent: BỘ CHQS TỈNH LAI CHÂU\n    until: "2025-07-01"\n')
    cut(a, "  - id: cong-an", "  # Mặt trận")
    replace_once(a, "  # Mặt trận", "  - id: tt-ctxh\n    name: Trung tâm Công tác xã hội huyện Tam Đường\n"
                 "    short_name: Trung tâm CTXH huyện\n    kind: don-vi\n    code: CTXH\n\n  # Mặt trận")
    replace_once(a, "      - ldld\n  - id: doan-the-huyen", "      - ldld\n      - tt-ctxh\n  - id: doan-the-huyen")
    text = a.read_text(encoding="utf-8")
    assert text.endswith("      - hoi-ccb\n      - ldld\n")
    a.write_text(text[: -len("      - ldld\n")], encoding="utf-8")
    # document: number, date, subject, header, signer, recipients
    replace_once(p, "number: null ", "number: 15   ")
    replace_once(p, 'date: "2025-03" ', 'date: "2025-03-20" ')
    replace_once(p, "    trên địa bàn huyện Tam Đường\n\nyears",
                 "    trên địa bàn huyện Tam Đường giai đoạn 2025 - 2030\n\nyears")
    replace_once(p, "    - ỦY BAN NHÂN DÂN\n", "    - UỶ BAN NHÂN DÂN\n")
    replace_once(p, "  delegation:\n    prefix: KT\n    head: CHỦ TỊCH\n  title: PHÓ CHỦ TỊCH\n  name: Vũ Xuân Thịnh",
                 "  title: CHỦ TỊCH\n  name: Nguyễn Văn An")
    replace_once(p, "  - text: TT. HĐND huyện\n    ref: hdnd-huyen\n", "")
    replace_once(p, "  - text: Lưu VT", "  - text: Sở Tư pháp tỉnh Lai Châu\n  - text: Lưu VT")
    # body: basis, a paragraph of part I, a section title, II.1.2, the title of III.1, closing
    replace_once(p, "ngày 11/3/2025 của UBND tỉnh", "ngày 12/3/2025 của UBND tỉnh")
    replace_once(p, "tạo\n          môi trường sống an toàn,", "tạo\n          môi trường sống an toàn, bình đẳng,")
    replace_once(p, "title: NHIỆM VỤ VÀ GIẢI PHÁP", "title: NHIỆM VỤ, GIẢI PHÁP")
    replace_once(p, "Củng cố, kiện toàn cơ cấu tổ chức", "Củng cố, kiện toàn tổ chức")
    replace_once(p, 'title: "Văn phòng HĐND - UBND huyện:"', 'title: "Văn phòng HĐND và UBND huyện:"')
    replace_once(p, "trấn nghiêm túc triển khai", "trấn nghiêm túc, kịp thời triển khai")
    # reporting: a due date, the open periods
    replace_once(p, '    half-year: "06-20"', '    half-year: "06-15"')
    replace_once(p, 'open: ["2025-H1"]', 'open: ["2025-H1", "2025"]')


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """v1 (bundled plan) → reflow (tag: same plan, other YAML text) → HEAD (big edit)."""
    repo = new_repo(tmp_path_factory.mktemp("diff") / "kho")
    reflow(repo / "plan")
    commit(repo, "reflow", tag="reflow")
    big_edit(repo / "plan")
    commit(repo, "big edit")
    return repo


@pytest.fixture(scope="module")
def big(history) -> PlanDiff:
    return diff_plans(load_side("HEAD~1", repo=history), load_side("HEAD", repo=history))


BIG_MARKDOWN = """\
## Thay đổi kế hoạch: HEAD\\~1 → HEAD

6 nhiệm vụ thay đổi, 2 nhiệm vụ mới, 1 nhiệm vụ bị xóa, 2 đổi số hiệu, 1 chuyển nhóm, 2 thay đổi nhóm nhiệm vụ, \
8 thay đổi danh mục cơ quan, 8 thay đổi thông tin văn bản, 6 thay đổi nội dung kế hoạch, 2 thay đổi chế độ báo cáo.

### Nhiệm vụ

- Nhóm nhiệm vụ VI: tên nhóm: Tăng cường hợp ~~tác,~~ **tác quốc tế,** tranh thủ sự hỗ trợ của các tổ …
- Nhóm nhiệm vụ VIII (mới): Sơ kết, tổng kết việc thực hiện Kế hoạch
- Nhiệm vụ 1.1: cơ quan phối hợp — thêm: Thanh tra huyện Tam Đường; bỏ: Phòng Y tế
- Nhiệm vụ 1.4: thời gian thực hiện đổi từ Năm 2025 thành 2025 - 2026
- Nhiệm vụ 2.1: nội dung: … trẻ em, ưu tiên trẻ em ở các ~~xã~~ **thôn, bản** đặc biệt khó khăn.
- Nhiệm vụ 2.2: sản phẩm: … bài phát thanh, truyền hình bằng tiếng phổ ~~thông~~ **thông, tiếng Mông, tiếng Dao** \
và tiếng ~~dân tộc thiểu số.~~ **Thái.**
- Nhiệm vụ 2.9 (mới) — Tổ chức Diễn đàn trẻ em cấp huyện để trẻ em được bày tỏ ý kiến, nguyện vọng về các vấn đề \
liên quan đến trẻ em. (chủ trì: Huyện đoàn Tam Đường; thời gian: Hằng năm)
- Nhiệm vụ 3.2: cơ quan chủ trì đổi từ Phòng Y tế sang Phòng Văn hóa, Khoa học và Thông tin
- Nhiệm vụ 5.2 chuyển từ nhóm V sang nhóm IV
- Nhiệm vụ 6.3 đổi số hiệu thành 6.4 (nội dung không đổi)
- Nhiệm vụ 7.4 đổi số hiệu thành 7.5
- Nhiệm vụ 7.5: nội dung: … Bảo trợ trẻ em, trao học bổng, quà ~~tặng~~ **tặng, áo ấm** cho trẻ em có hoàn cảnh \
khó khăn, …
- Nhiệm vụ 8.1 (mới) — Tổ chức sơ kết giữa kỳ việc thực hiện Kế hoạch. (chủ trì: Văn phòng Hội đồng nhân dân và \
Ủy ban nhân dân huyện; thời gian: 2027)
- Nhiệm vụ 1.3 đã bị xóa — Tổ chức thực hiện đầy đủ, kịp thời các chính sách hỗ trợ học sinh người dân tộc thiểu \
số, học sinh bán trú, trẻ em mầm non vùng đặc biệt khó khăn; rà soát, đề xuất điều chỉnh đối tượng, mức hỗ trợ phù \
hợp với điều kiện thực tế của huyện.

### Cơ quan, đơn vị

- Phòng Tư pháp: ký hiệu văn bản đổi từ PTP thành TP
- Phòng Y tế đổi tên thành Phòng Y tế và Xã hội
- Phòng Dân tộc và Tôn giáo: tên viết tắt đổi từ Phòng DT&TG thành Phòng Dân tộc - Tôn giáo
- Ban Chỉ huy Quân sự huyện Tam Đường ngừng hoạt động từ ngày 1/7/2025
- Thêm cơ quan, đơn vị: Trung tâm Công tác xã hội huyện Tam Đường
- Công an huyện Tam Đường bị bỏ khỏi danh mục
- Nhóm “Các cơ quan, ban, ngành, đoàn thể huyện”: thêm: Trung tâm Công tác xã hội huyện Tam Đường
- Nhóm “Các tổ chức chính trị - xã hội huyện”: bỏ: Liên đoàn Lao động huyện Tam Đường

### Thông tin văn bản

- Số văn bản: từ (chưa cấp số) thành 15
- Ngày ban hành: từ tháng 3 năm 2025 (chưa có ngày) thành ngày 20 tháng 3 năm 2025
- Trích yếu: … Hợp Quốc trên địa bàn huyện Tam Đường **giai đoạn 2025 - 2030**
- Tên cơ quan ban hành ở đầu văn bản: từ “ỦY BAN NHÂN DÂN / HUYỆN TAM ĐƯỜNG” thành “UỶ BAN NHÂN DÂN / HUYỆN TAM ĐƯỜNG”
- Thẩm quyền ký: từ “TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH” thành “TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH”
- Người ký: từ Vũ Xuân Thịnh thành Nguyễn Văn An
- Nơi nhận: thêm “Sở Tư pháp tỉnh Lai Châu”
- Nơi nhận: bỏ “TT. HĐND huyện”

### Nội dung kế hoạch

- Căn cứ 1: Căn cứ Kế hoạch số 1005/KH-UBND ngày ~~11/3/2025~~ **12/3/2025** của UBND tỉnh Lai Châu về triển khai …
- Phần I, đoạn 1: nội dung: … hiệu quả, tạo môi trường sống an toàn, **bình đẳng,** lành mạnh, thân thiện, bảo đảm \
lợi ích …
- Phần II: tên phần: NHIỆM ~~VỤ VÀ~~ **VỤ,** GIẢI PHÁP
- Mục II.1.2: nội dung: Củng cố, kiện toàn ~~cơ cấu~~ tổ chức bộ máy làm công tác trẻ …
- Mục III.1: tiêu đề: Văn phòng HĐND ~~-~~ **và** UBND huyện:
- Đoạn kết: … Chủ tịch UBND các xã, thị trấn nghiêm ~~túc~~ **túc, kịp thời** triển khai thực hiện./.

### Chế độ báo cáo

- Hạn gửi báo cáo kỳ 6 tháng: từ 20/6 thành 15/6
- Kỳ đang nhận báo cáo: thêm: năm 2025
"""


def kinds(data: dict, area: str) -> list[tuple]:
    return [(c["kind"], c["id"], c["field"]) for c in data[area]]


def find(data: dict, area: str, kind: str, ident: str, field=None) -> dict:
    found = [c for c in data[area] if (c["kind"], c["id"], c["field"]) == (kind, ident, field)]
    assert len(found) == 1, (kind, ident, field, kinds(data, area))
    return found[0]


# -- Markdown and JSON between revisions ------------------------------------------------------------


def test_markdown_between_revisions(big):
    assert to_markdown(big, "HEAD~1", "HEAD") == BIG_MARKDOWN


def test_json_is_json_and_summarised(big):
    data = to_json(big)
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (data["format"], data["version"], data["equal"]) == ("kehoach-diff", 2, False)
    assert data["summary"] == {
        "tasks_changed": 6, "tasks_added": 2, "tasks_removed": 1, "tasks_renumbered": 2, "tasks_moved": 1,
        "task_groups": 2, "agencies": 8, "document": 8, "body": 6, "reporting": 2,
    }
    for area in PlanDiff.AREAS:
        for change in data[area]:
            assert list(change) == ["kind", "id", "field", "label", "old", "new", "words", "added", "removed"]


def test_json_tasks(big):
    data = to_json(big)
    assert kinds(data, "tasks") == [
        ("task_group_renamed", "nhom-6", "title"), ("task_group_added", "nhom-8", None),
        ("task_changed", "1.1", "support"), ("task_changed", "1.4", "timeline"),
        ("task_changed", "2.1", "content"), ("task_changed", "2.2", "output"), ("task_added", "2.9", None),
        ("task_changed", "3.2", "lead"), ("task_moved", "5.2", "group"), ("task_renumbered", "6.4", "id"),
        ("task_renumbered", "7.5", "id"), ("task_changed", "7.5", "content"), ("task_added", "8.1", None),
        ("task_removed", "1.3", None),
    ]
    assert find(data, "tasks", "task_changed", "3.2", "lead") == {
        "kind": "task_changed", "id": "3.2", "field": "lead", "label": "Nhiệm vụ 3.2",
        "old": [{"id": "phong-y-te", "name": "Phòng Y tế"}],
        "new": [{"id": "phong-vh-kh-tt", "name": "Phòng Văn hóa, Khoa học và Thông tin"}],
        "words": None, "added": [{"id": "phong-vh-kh-tt", "name": "Phòng Văn hóa, Khoa học và Thông tin"}],
        "removed": [{"id": "phong-y-te", "name": "Phòng Y tế"}],
    }
    support = find(data, "tasks", "task_changed", "1.1", "support")
    assert support["added"] == [{"id": "thanh-tra", "name": "Thanh tra huyện Tam Đường"}]
    assert support["removed"] == [{"id": "phong-y-te", "name": "Phòng Y tế"}]
    assert [r["id"] for r in support["old"]] == ["phong-y-te", "phong-gd-dt", "phong-noi-vu", "vp-hdnd-ubnd"]
    assert [r["id"] for r in support["new"]] == ["phong-gd-dt", "phong-noi-vu", "vp-hdnd-ubnd", "thanh-tra"]
    timeline = find(data, "tasks", "task_changed", "1.4", "timeline")
    assert (timeline["old"], timeline["new"], timeline["words"]) == ("Năm 2025", "2025-2026", None)
    content = find(data, "tasks", "task_changed", "2.1", "content")
    assert content["words"] == [
        ["equal", "Xây dựng và triển khai kế hoạch truyền thông về quyền trẻ em; tổ chức Tháng hành động vì "
                  "trẻ em, Ngày Quốc tế Thiếu nhi 01/6 và Tết Trung thu cho trẻ em, ưu tiên trẻ em ở các"],
        ["delete", "xã"], ["insert", "thôn, bản"], ["equal", "đặc biệt khó khăn."],
    ]
    assert content["old"].endswith("ở các xã đặc biệt khó khăn.")
    assert content["new"].endswith("ở các thôn, bản đặc biệt khó khăn.")
    output = find(data, "tasks", "task_changed", "2.2", "output")
    assert [op for op, _ in output["words"]] == ["equal", "delete", "insert", "equal", "delete", "insert"]
    added = find(data, "tasks", "task_added", "2.9")
    assert added["old"] is None
    assert added["new"] == {
        "id": "2.9",
        "group": {"id": "nhom-2", "numeral": "II", "title": "Đẩy mạnh truyền thông, giáo dục, vận động xã hội về "
                  "quyền trẻ em và thực hiện quyền trẻ em"},
        "content": "Tổ chức Diễn đàn trẻ em cấp huyện để trẻ em được bày tỏ ý kiến, nguyện vọng về các vấn đề "
                   "liên quan đến trẻ em.",
        "lead": [{"id": "huyen-doan", "name": "Huyện đoàn Tam Đường"}],
        "support": [{"id": "phong-y-te", "name": "Phòng Y tế và Xã hội"},
                    {"id": "phong-gd-dt", "name": "Phòng Giáo dục và Đào tạo"}],
        "timeline": "Hằng năm", "output": "Diễn đàn trẻ em cấp huyện được tổ chức hằng năm.",
    }
    removed = find(data, "tasks", "task_removed", "1.3")
    assert (removed["old"]["id"], removed["old"]["lead"], removed["new"]) == (
        "1.3", [{"id": "phong-gd-dt", "name": "Phòng Giáo dục và Đào tạo"}], None)
    moved = find(data, "tasks", "task_moved", "5.2", "group")
    assert (moved["old"]["id"], moved["old"]["numeral"], moved["new"]["id"], moved["new"]["numeral"]) == (
        "nhom-5", "V", "nhom-4", "IV")
    assert find(data, "tasks", "task_renumbered", "6.4", "id")["old"] == "6.3"
    assert find(data, "tasks", "task_renumbered", "7.5", "id")["old"] == "7.4"
    assert find(data, "tasks", "task_changed", "7.5", "content")["words"][1:3] == [
        ["delete", "tặng"], ["insert", "tặng, áo ấm"]]
    assert find(data, "tasks", "task_group_added", "nhom-8")["new"] == {
        "id": "nhom-8", "numeral": "VIII", "title": "Sơ kết, tổng kết việc thực hiện Kế hoạch"}
    renamed = find(data, "tasks", "task_group_renamed", "nhom-6", "title")
    assert (renamed["label"], renamed["words"][1:3]) == (
        "Nhóm nhiệm vụ VI", [["delete", "tác,"], ["insert", "tác quốc tế,"]])


def test_json_agencies(big):
    data = to_json(big)
    assert kinds(data, "agencies") == [
        ("agency_changed", "phong-tu-phap", "code"), ("agency_renamed", "phong-y-te", "name"),
        ("agency_renamed", "phong-dan-toc", "short_name"), ("agency_retired", "ban-chqs", "until"),
        ("agency_added", "tt-ctxh", None), ("agency_retired", "cong-an", "registry"),
        ("agency_group_members", "co-quan-huyen", "members"), ("agency_group_members", "doan-the-huyen", "members"),
    ]
    values = {(c["kind"], c["id"]): (c["old"], c["new"]) for c in data["agencies"]
              if c["kind"] != "agency_group_members"}
    assert values == {
        ("agency_changed", "phong-tu-phap"): ("PTP", "TP"),
        ("agency_renamed", "phong-y-te"): ("Phòng Y tế", "Phòng Y tế và Xã hội"),
        ("agency_renamed", "phong-dan-toc"): ("Phòng DT&TG", "Phòng Dân tộc - Tôn giáo"),
        ("agency_retired", "ban-chqs"): (None, "2025-07-01"),
        ("agency_added", "tt-ctxh"): (None, {"id": "tt-ctxh", "name": "Trung tâm Công tác xã hội huyện Tam Đường"}),
        ("agency_retired", "cong-an"): ({"id": "cong-an", "name": "Công an huyện Tam Đường"}, None),
    }
    members = find(data, "agencies", "agency_group_members", "doan-the-huyen", "members")
    assert (members["added"], members["removed"]) == ([], [{"id": "ldld", "name": "Liên đoàn Lao động huyện Tam Đường"}])
    assert len(members["old"]) == 6 and len(members["new"]) == 5


def test_json_document_body_reporting(big):
    data = to_json(big)
    assert [(c["kind"], c["field"], c["old"], c["new"]) for c in data["document"] if c["field"] != "subject"] == [
        ("document_changed", "number", None, 15),
        ("document_changed", "date", "2025-03", "2025-03-20"),
        ("issuer_changed", "header", ["ỦY BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"], ["UỶ BAN NHÂN DÂN", "HUYỆN TAM ĐƯỜNG"]),
        ("signer_changed", "lines", ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"],
         ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
        ("signer_changed", "name", "Vũ Xuân Thịnh", "Nguyễn Văn An"),
        ("recipient_added", "text", None, "Sở Tư pháp tỉnh Lai Châu"),
        ("recipient_removed", "text", "TT. HĐND huyện", None),
    ]
    assert find(data, "document", "document_changed", "document", "subject")["words"][-1] == [
        "insert", "giai đoạn 2025 - 2030"]
    assert [(c["kind"], c["id"], c["field"], c["label"]) for c in data["body"]] == [
        ("basis_changed", "1", "text", "Căn cứ 1"),
        ("block_changed", "I/1", "text", "Phần I, đoạn 1"),
        ("section_renamed", "II", "title", "Phần II"),
        ("block_changed", "II.1.2", "text", "Mục II.1.2"),
        ("block_changed", "III.1", "title", "Mục III.1"),
        ("closing_changed", "closing", "text", "Đoạn kết"),
    ]
    assert find(data, "body", "block_changed", "III.1", "title")["words"] == [
        ["equal", "Văn phòng HĐND"], ["delete", "-"], ["insert", "và"], ["equal", "UBND huyện:"]]
    assert [(c["field"], c["old"], c["new"], c["added"], c["removed"]) for c in data["reporting"]] == [
        ("due.half-year", "06-20", "06-15", [], []),
        ("open", ["2025-H1"], ["2025-H1", "2025"], ["2025"], []),
    ]


# -- sides ------------------------------------------------------------------------------------------


def test_tag_and_directory_sides_give_the_same_diff(history, big):
    """v1 (a tag, before the reflow) against the working directory (= HEAD): the
    reflow is no change, so the diff is the HEAD~1..HEAD one."""
    old = load_side("v1", repo=history)
    new = load_side(str(history / "plan"))
    assert new.source_dir == str((history / "plan").resolve())
    assert old.source_dir is None and old.template_dir is None
    diff = diff_plans(old, new)
    assert to_json(diff) == to_json(big)
    assert to_markdown(diff, "v1", "plan").splitlines()[1:] == BIG_MARKDOWN.splitlines()[1:]


def test_identical_plans(history):
    same = diff_plans(load_side("v1", repo=history), load_side("reflow", repo=history))
    assert same.equal and same.changes == ()
    assert to_markdown(same, "v1", "reflow") == "## Thay đổi kế hoạch: v1 → reflow\n\nKhông có thay đổi.\n"
    data = to_json(same)
    assert data["equal"] is True
    assert all(data[area] == [] for area in PlanDiff.AREAS)
    assert set(data["summary"].values()) == {0}


def test_default_repository_is_the_current_directory(history, monkeypatch):
    monkeypatch.chdir(history / "plan")       # a sub-folder: the repository's top level is found
    plan = load_side("HEAD")
    assert plan.task("7.5").id == "7.5"
    assert diff_plans(load_side("HEAD~1"), plan) == diff_plans(load_side("HEAD~1", repo=history),
                                                               load_side("HEAD", repo=history))


def test_plan_path_and_sha(tmp_path):
    repo = tmp_path / "kho"
    repo.mkdir()
    shutil.copytree(PLAN, repo / "du-lieu" / "kh")
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    commit(repo, "v1")
    sha = git(repo, "rev-parse", "HEAD").strip()
    replace_once(repo / "du-lieu" / "kh" / "plan.yaml", "name: Vũ Xuân Thịnh", "name: Lò Văn Tám")
    commit(repo, "ký")
    diff = diff_plans(load_side(sha[:10], repo=repo, plan_path="du-lieu/kh"),
                      load_side("main", repo=repo, plan_path="./du-lieu/kh/"))
    assert to_markdown(diff, sha[:7], "main") == (
        f"## Thay đổi kế hoạch: {sha[:7]} → main\n\n1 thay đổi thông tin văn bản.\n\n"
        "### Thông tin văn bản\n\n- Người ký: từ Vũ Xuân Thịnh thành Lò Văn Tám\n")


def test_renumbering_is_not_removal_plus_addition(tmp_path):
    """Task 4.1 deleted, 4.2–4.8 renumbered 4.1–4.7 without other edits."""
    repo = new_repo(tmp_path / "kho")
    tasks = repo / "plan" / "tasks.yaml"
    removed = cut(tasks, '      - id: "4.1"', '      - id: "4.2"')
    assert "Tổng đài điện thoại quốc gia" in removed
    for n in range(2, 9):
        replace_once(tasks, f'      - id: "4.{n}"', f'      - id: "4.{n - 1}"')
    commit(repo, "đánh số lại", tag="v2")
    diff = diff_plans(load_side("v1", repo=repo), load_side("v2", repo=repo))
    assert to_markdown(diff, "v1", "v2") == (
        "## Thay đổi kế hoạch: v1 → v2\n\n1 nhiệm vụ bị xóa, 7 đổi số hiệu.\n\n### Nhiệm vụ\n\n"
        + "".join(f"- Nhiệm vụ 4.{n} đổi số hiệu thành 4.{n - 1} (nội dung không đổi)\n" for n in range(2, 9))
        + "- Nhiệm vụ 4.1 đã bị xóa — Phổ biến Tổng đài điện thoại quốc gia bảo vệ trẻ em (số 111); tiếp nhận, "
          "xử lý kịp thời thông tin, thông báo, tố giác hành vi xâm hại trẻ em; lập và quản lý hồ sơ trường hợp "
          "trẻ em cần can thiệp, hỗ trợ.\n")
    data = to_json(diff)
    assert [(c["kind"], c["id"], c["old"], c["new"]) for c in data["tasks"][:2]] == [
        ("task_renumbered", "4.1", "4.2", "4.1"), ("task_renumbered", "4.2", "4.3", "4.2")]
    assert data["tasks"][-1]["kind"] == "task_removed" and data["tasks"][-1]["old"]["id"] == "4.1"
    assert data["summary"]["tasks_renumbered"] == 7 and data["summary"]["tasks_changed"] == 0


def test_rewritten_task_keeps_its_id(plan_copy, tmp_path):
    """Content rewritten beyond 90 % similarity, same id: a content change, not a renumbering."""
    old = load_side(str(plan_copy))
    replace_once(plan_copy / "tasks.yaml", "Kiểm tra liên ngành việc thực hiện quyền trẻ em",
                 "Tổ chức đoàn kiểm tra liên ngành định kỳ về công tác bảo vệ trẻ em")
    diff = diff_plans(old, load_side(str(plan_copy)))
    assert [(c.kind, c.id, c.field) for c in diff.changes] == [("task_changed", "5.1", "content")]


# -- errors ------------------------------------------------------------------------------------------


def test_unknown_revision(history):
    with pytest.raises(DiffError) as caught:
        load_side("khong-co-nhanh-nay", repo=history)
    top = Path(git(history, "rev-parse", "--show-toplevel").strip())
    assert str(caught.value) == (
        f"'khong-co-nhanh-nay' không phải là thư mục kế hoạch, cũng không phải phiên bản (nhánh, thẻ, commit) "
        f"nào của kho git '{top}'")
    assert caught.value.diagnostics == ()
    with pytest.raises(DiffError, match="^phiên bản '--output=x' không hợp lệ$"):
        load_side("--output=x", repo=history)
    with pytest.raises(DiffError, match="^chưa chỉ ra phiên bản kế hoạch cần so sánh"):
        load_side("  ", repo=history)


def test_not_a_git_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(DiffError) as caught:
        load_side("HEAD", repo=tmp_path)
    assert str(caught.value) == (
        f"'HEAD' không phải là thư mục kế hoạch, và '{tmp_path}' không nằm trong một kho git nên không đọc "
        f"được phiên bản 'HEAD'")


def test_revision_without_the_plan_folder(history):
    with pytest.raises(DiffError) as caught:
        load_side("HEAD", repo=history, plan_path="ke-hoach")
    assert str(caught.value) == "phiên bản 'HEAD' không có thư mục kế hoạch 'ke-hoach'"
    with pytest.raises(DiffError, match="phải nằm trong kho git"):
        load_side("HEAD", repo=history, plan_path="../plan")


def test_invalid_yaml_in_one_revision(tmp_path):
    repo = new_repo(tmp_path / "kho")
    tasks = repo / "plan" / "tasks.yaml"
    text = replace_once(tasks, "        lead: phong-tu-phap\n", "      lead: phong-tu-phap\n")  # mis-indented
    commit(repo, "hỏng")
    # the same file checked as a directory: the diagnostics a revision must carry, relabelled
    plan, expected = check_plan(repo / "plan")
    assert plan is None and expected
    with pytest.raises(DiffError) as caught:
        load_side("HEAD", repo=repo)
    error = caught.value
    errors = [d for d in error.diagnostics if d.is_error]
    assert str(error) == f"kế hoạch ở phiên bản 'HEAD' không hợp lệ ({len(errors)} lỗi)"
    assert [(d.path, d.line, d.col, d.code, d.message) for d in error.diagnostics] == [
        ("HEAD:plan/" + Path(d.path).name, d.line, d.col, d.code, d.message) for d in expected]
    first = error.diagnostics[0]
    assert (first.path, first.code) == ("HEAD:plan/tasks.yaml", "KH010")
    assert (first.line, first.col) == position(text, "      lead: phong-tu-phap\n", 6)
    assert str(error) == "kế hoạch ở phiên bản 'HEAD' không hợp lệ (1 lỗi)"
    assert error.format().splitlines()[1] == first.format()
    assert first.format().startswith(f"HEAD:plan/tasks.yaml:{first.line}:{first.col}: KH010 lỗi: ")
    load_side("v1", repo=repo)                 # the other side still loads


def test_invalid_directory_side(plan_copy):
    replace_once(plan_copy / "tasks.yaml", "lead: phong-tu-phap", "lead: phong-tu-phapp")
    with pytest.raises(DiffError) as caught:
        load_side(str(plan_copy))
    assert str(caught.value) == f"kế hoạch trong thư mục '{plan_copy}' không hợp lệ (1 lỗi)"
    [d] = [d for d in caught.value.diagnostics if d.is_error]
    assert (d.code, Path(d.path).name) == ("KH030", "tasks.yaml")
    text = (plan_copy / "tasks.yaml").read_text(encoding="utf-8")
    assert (d.line, d.col) == position(text, "phong-tu-phapp")


def test_revision_with_a_template_folder(tmp_path):
    """``templates:`` must name a folder of that revision; its files are not needed."""
    repo = new_repo(tmp_path / "kho")
    (repo / "plan" / "mau").mkdir()
    (repo / "plan" / "mau" / "README.md").write_text("mẫu riêng\n", encoding="utf-8")
    replace_once(repo / "plan" / "plan.yaml", "\nyears:", "\ntemplates: mau\n\nyears:")
    commit(repo, "mẫu", tag="mau")
    assert load_side("mau", repo=repo).template_dir is None
    replace_once(repo / "plan" / "plan.yaml", "templates: mau", "templates: khong-co")
    commit(repo, "sai mẫu")
    with pytest.raises(DiffError) as caught:
        load_side("HEAD", repo=repo)
    assert [(d.path, d.code) for d in caught.value.diagnostics] == [("HEAD:plan/plan.yaml", "KH053")]


def test_missing_file_in_revision(tmp_path):
    repo = new_repo(tmp_path / "kho")
    (repo / "plan" / "agencies.yaml").unlink()
    commit(repo, "mất tệp")
    with pytest.raises(DiffError) as caught:
        load_side("HEAD", repo=repo)
    assert ("HEAD:plan/agencies.yaml", 1, 1, "KH037") in [(d.path, d.line, d.col, d.code)
                                                          for d in caught.value.diagnostics]


# -- directories: the other kinds ----------------------------------------------------------------------


def dir_edit(plan: Path) -> None:
    t, a, p = plan / "tasks.yaml", plan / "agencies.yaml", plan / "plan.yaml"
    text = t.read_text(encoding="utf-8")
    t.write_text(text[: text.index("\n  - id: nhom-7")] + "\n", encoding="utf-8")
    replace_once(t, "support: [phong-y-te, phong-gd-dt, phong-noi-vu, vp-hdnd-ubnd]",
                 "support: [phong-gd-dt, phong-y-te, phong-noi-vu, vp-hdnd-ubnd]\n"
                 "        implements:\n          - \"Luật Trẻ em 2016: Điều 6\"")
    replace_once(t, "trẻ em dưới 5 tuổi so với chỉ tiêu được giao.",
                 "trẻ em dưới 5 tuổi so với chỉ tiêu được giao.\n        note: Ưu tiên các xã vùng cao.")
    replace_once(t, "bàn huyện.\n        lead: mttq", "bàn huyện | #1 *khẩn* [xem] <b> &amp;.\n        lead: mttq")
    replace_once(a, "name: Ủy ban nhân dân huyện Tam Đường\n", "name: Ủy ban nhân dân huyện Tam Đường tỉnh Lai Châu\n")
    replace_once(a, "name: Các tổ chức chính trị - xã hội huyện", "name: Mặt trận và các đoàn thể huyện")
    replace_once(a, "  - id: doan-the-huyen", "  - id: phong-chuyen-mon\n    name: Các phòng chuyên môn\n"
                 "    members: [phong-noi-vu, phong-tu-phap]\n  - id: doan-the-huyen")
    replace_once(p, "Tam Đường ban hành Kế hoạch triển khai thực hiện như sau:",
                 "Tam Đường ban hành Kế hoạch triển khai thực hiện như sau:\n  - Căn cứ Luật Trẻ em ngày 05/4/2016.")
    replace_once(p, "        responsible: [vp-hdnd-ubnd]", "        responsible: [vp-hdnd-ubnd, phong-y-te]")
    replace_once(p, "\nclosing:", "      - numbered: true\n        title: Phòng Y tế\n        text: Theo dõi, đôn đốc.\n"
                 "\nclosing:")
    replace_once(p, "  periods: [half-year, annual]", "  periods: [annual]")
    replace_once(p, "  reporters: [co-quan-huyen, ubnd-cac-xa]", "  reporters: [co-quan-huyen]")
    replace_once(p, "  consolidated_to: so-y-te", "  consolidated_to: ubnd-tinh")
    replace_once(p, 'open: ["2025-H1"]', 'open: ["2025"]')


def test_directories(tmp_path):
    old, new = tmp_path / "cu", tmp_path / "moi"
    shutil.copytree(PLAN, old)
    shutil.copytree(PLAN, new)
    dir_edit(new)
    diff = diff_plans(load_side(str(old)), load_side(str(new)))
    markdown = to_markdown(diff, "cu", "moi")
    assert markdown.startswith(
        "## Thay đổi kế hoạch: cu → moi\n\n3 nhiệm vụ thay đổi, 4 nhiệm vụ bị xóa, 1 thay đổi nhóm nhiệm vụ, "
        "3 thay đổi danh mục cơ quan, 1 thay đổi thông tin văn bản, 3 thay đổi nội dung kế hoạch, "
        "4 thay đổi chế độ báo cáo.\n\n### Nhiệm vụ\n\n"
        "- Nhóm nhiệm vụ VII đã bị xóa: Bảo đảm kinh phí thực hiện trong khả năng cân đối của ngân sách nhà nước "
        "và huy động các nguồn lực xã hội\n"
        "- Nhiệm vụ 1.1: cơ quan phối hợp — đổi thứ tự: Phòng Giáo dục và Đào tạo, Phòng Y tế, Phòng Nội vụ và "
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện\n"
        "- Nhiệm vụ 1.1: thực hiện theo — thêm: “Luật Trẻ em 2016: Điều 6”\n"
        "- Nhiệm vụ 4.3: ghi chú: **Ưu tiên các xã vùng cao.**\n"
        "- Nhiệm vụ 5.3: nội dung: … trẻ em và tảo hôn trên địa bàn ~~huyện.~~ "
        "**huyện \\| #1 \\*khẩn\\* \\[xem\\] \\<b> \\&amp;.**\n"
        "- Nhiệm vụ 7.1 đã bị xóa — Tham mưu UBND huyện bố trí kinh phí")
    for n in range(1, 5):
        assert f"\n- Nhiệm vụ 7.{n} đã bị xóa — " in markdown
    assert markdown.endswith(
        "### Cơ quan, đơn vị\n\n"
        "- Ủy ban nhân dân huyện Tam Đường đổi tên thành Ủy ban nhân dân huyện Tam Đường tỉnh Lai Châu\n"
        "- Thêm nhóm “Các phòng chuyên môn” (2 cơ quan, đơn vị)\n"
        "- Nhóm “Các tổ chức chính trị - xã hội huyện” đổi tên thành “Mặt trận và các đoàn thể huyện”\n\n"
        "### Thông tin văn bản\n\n"
        "- Cơ quan ban hành: từ Ủy ban nhân dân huyện Tam Đường thành Ủy ban nhân dân huyện Tam Đường tỉnh Lai Châu\n\n"
        "### Nội dung kế hoạch\n\n"
        "- Căn cứ 2 (mới): Căn cứ Luật Trẻ em ngày 05/4/2016.\n"
        "- Mục III.1: cơ quan, đơn vị được giao — thêm: Phòng Y tế\n"
        "- Mục III.3 (mới): Phòng Y tế — Theo dõi, đôn đốc.\n\n"
        "### Chế độ báo cáo\n\n"
        "- Kỳ báo cáo: bỏ: 6 tháng\n"
        "- Cơ quan, đơn vị phải báo cáo: bỏ: UBND các xã, thị trấn\n"
        "- Nơi nhận báo cáo tổng hợp: từ Sở Y tế tỉnh Lai Châu thành Ủy ban nhân dân tỉnh Lai Châu\n"
        "- Kỳ đang nhận báo cáo: thêm: năm 2025; bỏ: 6 tháng đầu năm 2025\n")

    data = to_json(diff)
    support = find(data, "tasks", "task_changed", "1.1", "support")
    assert (support["added"], support["removed"]) == ([], [])
    assert find(data, "tasks", "task_changed", "1.1", "implements")["added"] == ["Luật Trẻ em 2016: Điều 6"]
    assert find(data, "tasks", "task_changed", "4.3", "note")["words"] == [["insert", "Ưu tiên các xã vùng cao."]]
    assert find(data, "tasks", "task_group_removed", "nhom-7")["old"]["numeral"] == "VII"
    assert find(data, "document", "issuer_changed", "issuer", "agency")["new"] == {
        "id": "ubnd-huyen", "name": "Ủy ban nhân dân huyện Tam Đường tỉnh Lai Châu"}
    assert find(data, "agencies", "agency_group_added", "phong-chuyen-mon")["added"] == [
        {"id": "phong-noi-vu", "name": "Phòng Nội vụ"}, {"id": "phong-tu-phap", "name": "Phòng Tư pháp"}]
    assert find(data, "body", "block_added", "III.3")["new"] == {
        "title": "Phòng Y tế", "text": "Theo dõi, đôn đốc.", "children": 0}
    assert find(data, "body", "basis_added", "2")["new"] == "Căn cứ Luật Trẻ em ngày 05/4/2016."
    responsible = find(data, "body", "block_changed", "III.1", "responsible")
    assert responsible["added"] == [{"id": "phong-y-te", "name": "Phòng Y tế"}]
    reporting = {c["field"]: c for c in data["reporting"]}
    assert list(reporting) == ["periods", "reporters", "consolidated_to", "open"]
    assert (reporting["periods"]["removed"], reporting["reporters"]["removed"]) == (
        ["half-year"], [{"id": "ubnd-cac-xa", "name": "UBND các xã, thị trấn"}])
    assert (reporting["consolidated_to"]["old"]["id"], reporting["consolidated_to"]["new"]["id"]) == (
        "so-y-te", "ubnd-tinh")


# -- kinds that are rare in a real history, built on the model --------------------------------------


def test_rare_kinds_on_the_model():
    old = load_side(str(PLAN))
    reg = old.registry
    retired = dataclasses.replace(reg.agencies["cong-an"], until=None)
    new = dataclasses.replace(
        old,
        registry=dataclasses.replace(
            reg, agencies={**reg.agencies, "cong-an": retired},
            groups={k: v for k, v in reg.groups.items() if k != "doan-the-huyen"}),
        bases=(),
        sections=old.sections[:2] + (Section("III", "KINH PHÍ", (Block(None, "Ngân sách huyện.", None, "-", (), ()),)),
                                     Section("IV", "TỔ CHỨC THỰC HIỆN", old.sections[2].blocks[:1])),
        recipients=tuple(reversed(old.recipients)),
        document=dataclasses.replace(old.document, type_name="Chương trình", code="CTr"),
        start_year=2025, end_year=2026,
        reporting=dataclasses.replace(old.reporting, via=None,
                                      cutoff={**old.reporting.cutoff, "annual": ("12-01", "11-30")},
                                      consolidated_due={**old.reporting.consolidated_due, "annual": "12-28"}),
    )
    diff = diff_plans(old, new)
    markdown = to_markdown(diff, "cũ", "mới")
    assert markdown.startswith(
        "## Thay đổi kế hoạch: cũ → mới\n\n2 thay đổi danh mục cơ quan, 4 thay đổi thông tin văn bản, "
        "3 thay đổi nội dung kế hoạch, 3 thay đổi chế độ báo cáo.\n\n")
    assert markdown[markdown.index("### Cơ quan"):] == (
        "### Cơ quan, đơn vị\n\n"
        "- Công an huyện Tam Đường hoạt động trở lại (bỏ ngày ngừng hoạt động 1/3/2025)\n"
        "- Nhóm “Các tổ chức chính trị - xã hội huyện” đã bị xóa\n\n"
        "### Thông tin văn bản\n\n"
        "- Tên loại văn bản: từ Kế hoạch thành Chương trình\n"
        "- Ký hiệu tên loại văn bản: từ KH thành CTr\n"
        "- Giai đoạn kế hoạch: từ 2025 - 2030 thành 2025 - 2026\n"
        "- Nơi nhận: đổi thứ tự thành “Lưu VT”; “UBND các xã, thị trấn”; “Các cơ quan, đoàn thể huyện”; "
        "“Chủ tịch; PCT UBND huyện”; “TT. HĐND huyện”; “TT. Huyện ủy”; “Sở Y tế tỉnh Lai Châu”\n\n"
        "### Nội dung kế hoạch\n\n"
        "- Căn cứ 1 đã bị xóa: Căn cứ Kế hoạch số 1005/KH-UBND ngày 11/3/2025 của UBND tỉnh Lai Châu về triển khai "
        "thực hiện Quyết định số 27/QĐ-TTg ngày 03/01/2025 của Thủ tướng Chính phủ ban hành Kế hoạch thực hiện "
        "Khuyến nghị của Ủy ban …\n"
        "- Phần III (mới): KINH PHÍ\n"
        "- Mục III.2 đã bị xóa: Các cơ quan, ban, ngành, đoàn thể huyện, UBND các xã, thị trấn (kèm 2 đoạn con)\n\n"
        "### Chế độ báo cáo\n\n"
        "- Đầu mối tiếp nhận, tổng hợp báo cáo: từ Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện thành "
        "(không có)\n"
        "- Thời gian chốt số liệu kỳ năm: từ 15/12 - 14/12 thành 1/12 - 30/11\n"
        "- Hạn gửi báo cáo tổng hợp kỳ năm: từ 25/12 thành 28/12\n")
    data = to_json(diff)
    assert find(data, "agencies", "agency_changed", "cong-an", "until")["old"] == "2025-03-01"
    assert find(data, "document", "recipients_reordered", "recipients", "order")["new"][0] == "Lưu VT"
    assert find(data, "body", "section_added", "III")["new"] == "KINH PHÍ"
    assert find(data, "reporting", "reporting_changed", "reporting", "cutoff.annual")["new"] == ["12-01", "11-30"]


def test_markdown_escapes_names_that_open_a_bullet():
    old = load_side(str(PLAN))
    agencies = dict(old.registry.agencies)
    agencies["ttyt"] = dataclasses.replace(agencies["ttyt"], name="# 1. Trung tâm | Y tế")
    new = dataclasses.replace(old, registry=dataclasses.replace(old.registry, agencies=agencies))
    markdown = to_markdown(diff_plans(new, old), "a", "b")
    assert "\n- \\# 1. Trung tâm \\| Y tế đổi tên thành Trung tâm Y tế huyện Tam Đường\n" in markdown
    markdown = to_markdown(diff_plans(old, new), "a|b", "#c")
    assert markdown.startswith("## Thay đổi kế hoạch: a\\|b → #c\n")
    assert "\n- Trung tâm Y tế huyện Tam Đường đổi tên thành # 1. Trung tâm \\| Y tế\n" in markdown


# -- word diff ------------------------------------------------------------------------------------------


def test_word_diff():
    assert word_diff("Phòng Y tế chủ trì.", "Phòng Văn hóa chủ trì, phối hợp.") == [
        ("equal", "Phòng"), ("delete", "Y tế"), ("insert", "Văn hóa"), ("equal", "chủ"),
        ("delete", "trì."), ("insert", "trì, phối hợp."),
    ]
    assert word_diff("a  b\n c", "a b c") == [("equal", "a b c")]
    assert word_diff("", "mới") == [("insert", "mới")]
    assert word_diff("cũ", "") == [("delete", "cũ")]
    assert word_diff("", "") == []
    nfd = unicodedata.normalize("NFD", "Hằng năm")
    assert nfd != "Hằng năm" and word_diff(nfd, "Hằng năm") == [("equal", "Hằng năm")]


def test_diff_objects_are_frozen(big):
    with pytest.raises(dataclasses.FrozenInstanceError):
        big.tasks = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        big.tasks[0].kind = "x"  # type: ignore[misc]
    assert isinstance(big.tasks[1].new, GroupRef)
    assert isinstance(big.tasks[7].old[0], AgencyRef)

"""The bad-input corpus: hostile or broken plan data, and what kehoach must say.

Each :class:`Case` is a patch applied to a copy of the fixture plan
``tests/fixtures/harden-plan`` (placed at ``plan/`` in a scratch folder, with
a previous build in ``out/`` and a secret file in ``outside/``), plus the
expected outcome of ``kehoach validate plan`` and ``kehoach build plan -o out``:
exit codes, the diagnostic code and its ``file:line:col``.  ``tests/test_corpus.py``
runs every case and also checks what holds for all of them: no internal error,
a bounded time, the previous output byte-for-byte unchanged, nothing written
outside the output folder, no forged or raw-control diagnostic line, and the
secret never printed.

Operations (applied in order; paths relative to the plan folder):

``("replace", file, old, new)``  replace the first ``old`` (must exist)
``("append", file, text)``       append text
``("write", file, data)``        write str (UTF-8) or bytes
``("remove", file)``             delete a file
``("symlink", file, target)``    ``target`` may use ``{outside}`` (the secret's folder)
``("fifo", file)``               a named pipe
``("mkdir", folder)``            a folder
``("return", agency)``           copy the fixture return of ``agency`` into reports/2025-H1/
``("templates", name, snippet)`` a ``mau/`` template folder (copies of the defaults)
                                  with ``snippet`` added to the body of ``name``

``at`` is ``(needle, offset)`` — the position of ``needle`` in the patched file
plus ``offset`` characters, computed by the test from the text — or ``(line,
col)``; ``file`` may be absolute-ish (``/mau/plan.docx``) for paths printed
absolute, then only the ``:1:1: CODE`` suffix is matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

SECRET = "BÍ-MẬT-NGOÀI-KẾ-HOẠCH-7f3a"

AGENCY = ("agencies:\n", "agencies:\n  - id: {id}\n    name: Cơ quan thử\n    short_name: CQ thử\n    kind: khac\n")
TASK_CONTENT = "Rà soát các văn bản do Hội đồng nhân dân"
OUTPUT_11 = "output: Báo cáo kết quả rà soát và kiến nghị xử lý văn bản trình UBND huyện."


@dataclass
class Case:
    name: str
    ops: list
    code: Optional[str] = None            # expected diagnostic code (None: none expected)
    file: Optional[str] = None            # file of the diagnostic, relative to plan/ ("out" for the output)
    at: Any = None                        # (needle, offset) or (line, col)
    validate_exit: int = 1
    build_exit: int = 1
    env: dict = field(default_factory=dict)
    out: Optional[str] = None             # -o argument (default: out)
    literal: Any = None                   # text (or texts) that must appear exactly once in the plan .docx
    literal_in: tuple = ()                # (path in the output, text): further .docx holding a text once
    template_time: Optional[float] = None # sandbox time limit for this case


def agency(ident: str) -> tuple:
    return ("replace", "agencies.yaml", AGENCY[0], AGENCY[1].format(id=ident))


def task_content(value: str) -> list:
    """Task 1.1's content replaced by ``value`` (YAML source of a scalar)."""
    return [("replace", "tasks.yaml", "content: >-\n          Rà soát các văn bản do Hội đồng nhân dân, Ủy ban nhân dân huyện ban\n"
             "          hành có nội dung liên quan đến trẻ em; kiến nghị sửa đổi, bổ sung,\n"
             "          thay thế hoặc bãi bỏ những nội dung không phù hợp với Luật Trẻ em và\n"
             "          Công ước của Liên hợp quốc về quyền trẻ em.\n", f"content: {value}\n")]


def style(text: str) -> tuple:
    return ("replace", "plan.yaml", "\nyears:", f"\nstyle:\n{text}\n\nyears:")


CASES: list[Case] = [
    # -- YAML syntax -----------------------------------------------------------------
    Case("unclosed-quote", [("replace", "tasks.yaml", OUTPUT_11, 'output: "Báo cáo kết quả rà soát')],
         "KH010", "tasks.yaml", ('output: "Báo', 8)),
    Case("colon-in-plain-value", [("replace", "plan.yaml", "level: huyen", "level: huyen: xa")],
         "KH010", "plan.yaml", ("level: huyen: xa", 12)),
    Case("bad-indentation", [("replace", "plan.yaml", "  code: UBND", "   code: UBND")],
         "KH010", "plan.yaml", ("   code: UBND", 3)),
    Case("unclosed-flow-list", [("replace", "tasks.yaml", "support: [phong-y-te, phong-gd-dt", "support: [phong-y-te phong-gd-dt")],
         "KH010", "tasks.yaml", None),
    Case("tab-indentation", [("replace", "plan.yaml", "  code: UBND", "\tcode: UBND")],
         "KH013", "plan.yaml", ("\tcode: UBND", 0)),
    Case("second-document", [("append", "plan.yaml", "---\nid: khac\n")], "KH010", "plan.yaml", ("---\nid: khac", 0)),
    Case("utf16-with-bom", [("write", "plan.yaml", "\ufeffid: x\n".encode("utf-16"))], "KH002", "plan.yaml", (1, 1)),
    Case("utf16le-without-bom", [("write", "agencies.yaml", "as_of: x\n".encode("utf-16-le"))], "KH005", "agencies.yaml", (1, 2)),
    Case("latin1-byte", [("write", "tasks.yaml", b"title: Nhi\xe9m v\xf9\n")], "KH002", "tasks.yaml", (1, 11)),
    Case("binary-garbage", [("write", "tasks.yaml", b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xbf\xff\x00")], "KH002", "tasks.yaml", (1, 11)),
    Case("duplicate-key", [("replace", "plan.yaml", "level: huyen\n", "level: huyen\nlevel: xa\n")],
         "KH011", "plan.yaml", ("level: xa", 0)),
    Case("alias-bomb", [("append", "tasks.yaml", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n")],
         "KH012", "tasks.yaml", ("a: &a", 3)),
    Case("explicit-tag", [("replace", "plan.yaml", "level: huyen", "level: !!python/object:os.system huyen")],
         "KH014", "plan.yaml", ("level: !!", 7)),
    Case("nesting-10000-deep", [("append", "plan.yaml", "deep: " + "[" * 10000 + "]" * 10000 + "\n")],
         "KH015", "plan.yaml", ("deep: ", 6 + 39)),
    Case("nesting-deep-return", [("return", "phong-y-te"),
                                 ("append", "reports/2025-H1/phong-y-te.yaml", "deep: " + "{a: " * 60 + "1" + "}" * 60 + "\n")],
         "KH015", "reports/2025-H1/phong-y-te.yaml", ("deep: ", 6 + 39 * 4)),
    Case("file-50-mb", [("append", "tasks.yaml", "# " + "x" * (50 * 1024 * 1024) + "\n")], "KH004", "tasks.yaml", (1, 1)),
    Case("empty-file", [("write", "plan.yaml", "")], "KH003", "plan.yaml", (1, 1)),
    Case("only-comments", [("write", "agencies.yaml", "# chỉ có chú thích\n")], "KH003", "agencies.yaml", (1, 1)),
    Case("empty-plan-folder", [("remove", "plan.yaml"), ("remove", "agencies.yaml"), ("remove", "tasks.yaml")],
         "KH037", "plan.yaml", (1, 1)),
    Case("mapping-as-key", [("append", "plan.yaml", "? [a, b]\n: c\n")], "KH016", "plan.yaml", ("? [a", 2)),
    # -- types and keys --------------------------------------------------------------
    Case("wrong-type", [("replace", "plan.yaml", "  from: 2025", '  from: "2025"')], "KH021", "plan.yaml", ('from: "2025', 6)),
    Case("list-for-enum", [("replace", "plan.yaml", "level: huyen", "level: [huyen]")], "KH023", "plan.yaml", ("level: [", 7)),
    Case("typo-key", [("replace", "plan.yaml", "level: huyen", "levle: huyen")], "KH020", "plan.yaml", ("levle", 0)),
    Case("enum-value", [("replace", "plan.yaml", "level: huyen", "level: quan")], "KH023", "plan.yaml", ("level: quan", 7)),
    Case("int-5000-digits", [("replace", "plan.yaml", "number: null", "number: " + "7" * 5000)], "KH091", "plan.yaml", ("number: 777", 8)),
    Case("int-20-digits", [("replace", "plan.yaml", "  from: 2025", "  from: 20250000000000000000")], "KH091", "plan.yaml", ("from: 2025", 6)),
    Case("year-out-of-range", [("replace", "plan.yaml", "  from: 2025", "  from: 99999")], "KH023", "plan.yaml", ("from: 99999", 6)),
    Case("support-equal-mappings", [("replace", "tasks.yaml", "support: [phong-y-te, phong-gd-dt, phong-noi-vu, vp-hdnd-ubnd]",
                                     "support: [{a: 1}, {a: 1}]")], "KH021", "tasks.yaml", ("support: [{a", 10)),
    Case("twenty-thousand-return-entries", [("return", "phong-y-te"),
                                            ("replace", "reports/2025-H1/phong-y-te.yaml", "tasks:\n",
                                             "tasks:\n" + "  - {task: '1.2', status: null}\n" * 20000)],
         "KH024", "reports/2025-H1/phong-y-te.yaml", ("tasks:\n", 0)),
    Case("anchor-without-alias", [("replace", "plan.yaml", "level: huyen", "level: &l huyen")], "KH012", "plan.yaml",
         ("level: &l", 7)),
    Case("decimal-too-many-digits", [style("  body_size: 13.0000000000000000001")], "KH091", "plan.yaml", ("body_size: 1", 11)),
    # -- style values the schema accepts ---------------------------------------------
    Case("style-huge-page-width", [style("  page_width_mm: 1000000000")], "KH094", "plan.yaml", ("page_width_mm: 1", 15)),
    Case("style-margin-500", [style("  margin_left_mm: 500")], "KH094", "plan.yaml", ("margin_left_mm: 5", 16)),
    Case("style-margins-leave-no-text", [style("  margin_left_mm: 90\n  margin_right_mm: 90")], "KH094", "plan.yaml",
         ("margin_left_mm: 9", 16)),
    Case("style-signature-lines-100000", [style("  signature_space_lines: 100000")], "KH094", "plan.yaml",
         ("signature_space_lines: 1", 23)),
    Case("style-font-escape-x01", [style('  font: "Times\\x01"')], "KH005", "plan.yaml", ('font: "', 6)),
    Case("style-font-escape-e", [style('  font: "Times\\e[31m"')], "KH005", "plan.yaml", ('font: "', 6)),
    Case("style-font-size-float", [style("  body_size: 13.5")], None, validate_exit=0, build_exit=0),
    # -- characters ------------------------------------------------------------------
    Case("escape-ufffe", task_content('"Nội dung \\uFFFE"'), "KH005", "tasks.yaml", ('content: "Nội', 9)),
    Case("escape-bell", task_content('"Nội dung\\a mới"'), "KH005", "tasks.yaml", ('content: "Nội', 9)),
    Case("escape-form-feed", task_content('"Nội dung\\f mới"'), "KH005", "tasks.yaml", ('content: "Nội', 9)),
    Case("escape-nul-templates", [("replace", "plan.yaml", "level: huyen\n", 'level: huyen\ntemplates: "a\\0b"\n')],
         "KH005", "plan.yaml", ('templates: "a', 11)),
    Case("raw-control-character", task_content("Nội dung \x07 có chuông"), "KH005", "tasks.yaml", ("\x07", 0)),
    Case("raw-escape-sequence", task_content("Nội dung \x1b[2K xóa dòng"), "KH005", "tasks.yaml", ("\x1b", 0)),
    Case("raw-bidi-override", task_content("Nội dung \u202e đảo chiều"), "KH005", "tasks.yaml", ("\u202e", 0)),
    Case("escaped-bidi-isolate", task_content('"Nội dung \\u2066 cách ly"'), "KH005", "tasks.yaml", ('content: "Nội', 9)),
    Case("escaped-carriage-return", task_content('"Nội dung\\r\\x1b[2Kplan/tasks.yaml:1:1: KH000 lỗi: giả"'),
         "KH005", "tasks.yaml", ('content: "Nội', 9)),
    Case("raw-zero-width-space", task_content("Nội dung\u200b có ký tự vô hình"), "KH090", "tasks.yaml", ("content: Nội", 9),
         validate_exit=0, build_exit=0),
    Case("escaped-zero-width-in-id", [agency('"phong\\u200bmoi"')], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("nfd-text", task_content("'Nội dung viết ở dạng NFD: Tiếng Việt'".replace("ộ", "ô\u0323").replace("ế", "e\u0302\u0301")),
         "KH006", "tasks.yaml", ("content: 'N", 9), validate_exit=0, build_exit=0,
         literal="Nội dung viết ở dạng NFD: Tiếng Việt"),
    Case("nfd-agency-id", [agency("phòng".replace("ò", "o\u0300"))], "KH023", "agencies.yaml", ("- id: ", 6)),
    # -- dates and timelines ---------------------------------------------------------
    Case("impossible-date", [("replace", "agencies.yaml", 'as_of: "2025-03-01"', 'as_of: "2025-02-30"')],
         "KH034", "agencies.yaml", ('as_of: "', 7)),
    Case("date-with-final-newline", [("replace", "agencies.yaml", 'as_of: "2025-03-01"', 'as_of: "2025-03-01\\n"')],
         "KH034", "agencies.yaml", ('as_of: "', 7)),
    Case("document-date-final-newline", [("replace", "plan.yaml", 'date: "2025-03"', 'date: "2025-13-40\\n"')],
         "KH023", "plan.yaml", ('date: "2025-13', 6)),
    # timelines are free wording now (printed as written); a pattern-checked date still refuses "\n"
    Case("due-date-final-newline", [("replace", "tasks.yaml", 'timeline: "2025"',
                                     'timeline: "2025"\n        due: "2025-12-31\\n"')],
         "KH023", "tasks.yaml", ('due: "2025-12-31\\n"', 5)),
    Case("reversed-timeline", [("replace", "tasks.yaml", 'timeline: "2025"', 'timeline: "2030-2025"')],
         "KH033", "tasks.yaml", ('timeline: "2030', 10)),
    Case("timeline-outside-years", [("replace", "tasks.yaml", 'timeline: "2025"', 'timeline: "2040"')],
         "KH033", "tasks.yaml", ('timeline: "2040', 10)),
    Case("timeline-impossible-date", [("replace", "tasks.yaml", 'timeline: "2025"', 'timeline: "2025-02-30"')],
         "KH034", "tasks.yaml", ('timeline: "2025-02', 10)),
    Case("reversed-plan-years", [("replace", "plan.yaml", "  to: 2030", "  to: 2024")], "KH036", "plan.yaml", ("to: 2024", 4)),
    # -- references ------------------------------------------------------------------
    Case("unknown-agency", [("replace", "tasks.yaml", "lead: phong-tu-phap", "lead: phong-tu-phapp")],
         "KH030", "tasks.yaml", ("lead: phong-tu-phapp", 6)),
    Case("self-coordination", [("replace", "tasks.yaml", "support: [phong-y-te, phong-gd-dt", "support: [phong-tu-phap, phong-gd-dt")],
         "KH032", "tasks.yaml", ("support: [phong-tu-phap", 10)),
    Case("duplicate-agency-id", [agency("ubnd-tinh")], "KH031", "agencies.yaml", ("  - id: ubnd-tinh\n    name: Ủy", 8)),
    Case("duplicate-task-id", [("replace", "tasks.yaml", 'id: "1.2"', 'id: "1.1"')], "KH031", "tasks.yaml", ('id: "1.1"\n        content: >-\n          Rà soát, đánh giá', 4)),
    # -- ids that become file names --------------------------------------------------
    Case("id-final-newline", [agency('"phong-moi\\n"')], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("id-dotdot", [agency('"../../etc/passwd"')], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("id-slash", [agency("a/b")], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("id-backslash", [agency('"a\\\\b"')], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("id-colon", [agency('"c:x"')], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("id-nul", [agency('"a\\0b"')], "KH005", "agencies.yaml", ("- id: ", 6)),
    Case("id-windows-con", [agency("con")], "KH092", "agencies.yaml", ("- id: ", 6)),
    Case("id-windows-lpt1-ext", [agency("lpt1.x")], "KH092", "agencies.yaml", ("- id: ", 6)),
    Case("id-office-calendar", [agency("tong-hop")], "KH092", "agencies.yaml", ("- id: ", 6)),
    Case("id-too-long", [agency("a" * 150)], "KH023", "agencies.yaml", ("- id: ", 6)),
    Case("plan-id-windows-nul", [("replace", "plan.yaml", "id: tam-duong-qd27", "id: nul")], "KH092", "plan.yaml", ("id: nul", 4)),
    Case("plan-id-final-newline", [("replace", "plan.yaml", "id: tam-duong-qd27", 'id: "tam-duong\\n"')],
         "KH023", "plan.yaml", ('id: "tam', 4)),
    Case("case-twin", [agency("Phong-y-te")], "KH023", "agencies.yaml", ("- id: ", 6)),
    # -- files -----------------------------------------------------------------------
    Case("plan-symlink-outside", [("remove", "plan.yaml"), ("symlink", "plan.yaml", "{outside}/secret.yaml")],
         "KH093", "plan.yaml", (1, 1)),
    Case("agencies-symlink-dev-zero", [("remove", "agencies.yaml"), ("symlink", "agencies.yaml", "/dev/zero")],
         "KH093", "agencies.yaml", (1, 1)),
    Case("tasks-fifo", [("remove", "tasks.yaml"), ("fifo", "tasks.yaml")], "KH093", "tasks.yaml", (1, 1)),
    Case("tasks-is-folder", [("remove", "tasks.yaml"), ("mkdir", "tasks.yaml")], "KH093", "tasks.yaml", (1, 1)),
    Case("templates-etc", [("replace", "plan.yaml", "level: huyen\n", "level: huyen\ntemplates: /etc\n")],
         "KH096", "plan.yaml", ("templates: /etc", 11)),
    Case("templates-outside", [("replace", "plan.yaml", "level: huyen\n", "level: huyen\ntemplates: ../outside\n")],
         "KH096", "plan.yaml", ("templates: ../", 11)),
    Case("template-symlink-dev-zero", [("templates", "letter.docx", ""), ("remove", "mau/plan.docx"),
                                       ("symlink", "mau/plan.docx", "/dev/zero")],
         "KH093", "/mau/plan.docx", None, validate_exit=0),
    Case("template-huge-string", [("templates", "plan.docx", "{{ 'A' * 300000000 }}")],
         "KH097", "/mau/plan.docx", None, validate_exit=0, template_time=3),
    Case("template-nested-loops", [("templates", "plan.docx", "{% for a in range(99999) %}{% for b in range(99999) %}{{ a }}{% endfor %}{% endfor %}")],
         "KH097", "/mau/plan.docx", None, validate_exit=0, template_time=3),
    # -- hostile returns -------------------------------------------------------------
    Case("return-fifo", [("mkdir", "reports/2025-H1"), ("fifo", "reports/2025-H1/phong-y-te.yaml")],
         "KH093", "reports/2025-H1/phong-y-te.yaml", (1, 1)),
    Case("return-symlink-dev-zero", [("mkdir", "reports/2025-H1"), ("symlink", "reports/2025-H1/phong-y-te.yaml", "/dev/zero")],
         "KH093", "reports/2025-H1/phong-y-te.yaml", (1, 1)),
    Case("return-symlink-outside", [("mkdir", "reports/2025-H1"),
                                    ("symlink", "reports/2025-H1/phong-y-te.yaml", "{outside}/secret.yaml")],
         "KH093", "reports/2025-H1/phong-y-te.yaml", (1, 1)),
    Case("return-escaped-control", [("return", "phong-y-te"),
                                    ("replace", "reports/2025-H1/phong-y-te.yaml", "agency: phong-y-te", 'agency: "phong-y-te\\x07"')],
         "KH005", "reports/2025-H1/phong-y-te.yaml", ('agency: "', 8)),
    Case("return-huge-figure", [("return", "bhxh"),
                                ("replace", "reports/2025-H1/bhxh.yaml", "value: 99.2", "value: 9" + "9" * 4999)],
         "KH091", "reports/2025-H1/bhxh.yaml", ("value: 999", 7)),
    Case("return-file-name-newline", [("return", "phong-y-te"), ("write", "reports/2025-H1/x\nplan:1:1: KH000 lỗi: giả.yaml", "")],
         None, None, None),
    Case("reports-folder-symlink-outside", [("mkdir", "reports"), ("symlink", "reports/2025-H1", "{outside}")],
         "KH093", "reports/2025-H1", (1, 1)),
    Case("reports-root-symlink-outside", [("symlink", "reports", "{outside}"), ("mkdir", "reports/2025-H1")],
         "KH093", "reports", (1, 1)),
    Case("return-dev-null", [("mkdir", "reports/2025-H1"), ("symlink", "reports/2025-H1/bhxh.yaml", "/dev/null")],
         "KH093", "reports/2025-H1/bhxh.yaml", (1, 1)),
    Case("return-duplicate-key", [("return", "bhxh"), ("replace", "reports/2025-H1/bhxh.yaml", "agency: bhxh\n",
                                                         "agency: bhxh\nagency: bhxh\n")],
         "KH011", "reports/2025-H1/bhxh.yaml", ("agency: bhxh\nagency", 13)),
    # -- output location -------------------------------------------------------------
    Case("out-inside-plan-reports", [("return", "phong-y-te")], "KH095", "out", None, validate_exit=0, out="plan/reports"),
    Case("out-below-a-file", [], "KH095", "out", None, validate_exit=0, out="outside/secret.yaml/out"),
    # -- SOURCE_DATE_EPOCH -----------------------------------------------------------
    Case("epoch-huge", [], "SOURCE_DATE_EPOCH", "env", None, validate_exit=0, env={"SOURCE_DATE_EPOCH": "9" * 30}),
    Case("epoch-negative", [], "SOURCE_DATE_EPOCH", "env", None, validate_exit=0, env={"SOURCE_DATE_EPOCH": "-1"}),
    Case("epoch-year-10000", [], "SOURCE_DATE_EPOCH", "env", None, validate_exit=0, env={"SOURCE_DATE_EPOCH": "253402300800"}),
    Case("epoch-not-a-number", [], "SOURCE_DATE_EPOCH", "env", None, validate_exit=0, env={"SOURCE_DATE_EPOCH": "2025-01-01"}),
    # -- text that looks like code: accepted, printed literally ----------------------
    Case("looks-like-code", [
        *task_content("'Nhiệm vụ {{ 7*7 }} và {% if true %}x{% endif %} {# c #}'"),
        ("replace", "tasks.yaml", "output: Báo cáo đánh giá thực hiện chính sách và đề xuất gửi Sở Y tế.",
         "output: 'Sản phẩm </w:t></w:r><w:r><w:t>chèn &amp; <![CDATA[x]]>'"),
        ("replace", "tasks.yaml", "output: Báo cáo kết quả thực hiện chính sách theo năm học và đề xuất, kiến nghị.",
         "output: '<script>alert(1)</script> **đậm** [liên kết](http://x) | a | b |'"),
        ("replace", "tasks.yaml", "output: Kế hoạch truyền thông và báo cáo kết quả Tháng hành động vì trẻ em.",
         "output: |-\n          Lịch END:VEVENT\n          END:VCALENDAR\n          BEGIN:VEVENT")],
         None, validate_exit=0, build_exit=0,
         literal=["Nhiệm vụ {{ 7*7 }} và {% if true %}x{% endif %} {# c #}",
                  "Sản phẩm </w:t></w:r><w:r><w:t>chèn &amp; <![CDATA[x]]>",
                  "<script>alert(1)</script> **đậm** [liên kết](http://x) \\| a \\| b \\|",
                  "END:VCALENDAR"]),
    # docxtpl's own escape syntax: docxtpl replaces {_{ }_} {_% %_} in the rendered XML, so user
    # data typed that way printed as {{ }} / {% %}; the renderer resolves them in the template only.
    Case("docxtpl-escapes-in-task", [
        *task_content("'Nhiệm vụ {_{ x }_} và {_% if true %_}y{_% endif %_} {_{ 7*7 }_}'"),
        ("replace", "tasks.yaml", OUTPUT_11, "output: '{_% raw %_}{_{ z }_}{_% endraw %_} }_} %_} {_{'")],
         None, validate_exit=0, build_exit=0,
         literal=["Nhiệm vụ {_{ x }_} và {_% if true %_}y{_% endif %_} {_{ 7*7 }_}",
                  "{_% raw %_}{_{ z }_}{_% endraw %_} }_} %_} {_{"],
         literal_in=(("cong-van/phong-tu-phap.docx", "Nhiệm vụ {_{ x }_} và {_% if true %_}y{_% endif %_} {_{ 7*7 }_}"),
                     ("cong-van/phong-tu-phap.docx", "{_% raw %_}{_{ z }_}{_% endraw %_} }_} %_} {_{"),
                     ("bao-cao/2025-H1/phong-tu-phap.docx",
                      "Nhiệm vụ {_{ x }_} và {_% if true %_}y{_% endif %_} {_{ 7*7 }_}"))),
    Case("docxtpl-escapes-in-body", [
        ("replace", "plan.yaml", "text: >-\n          Xác định rõ trách nhiệm",
         "text: Đoạn {_{ a }_} và {_% for i in x %_}{_{ i }_}{_% endfor %_} hết.\n"
         "      - marker: \"-\"\n        text: >-\n          Xác định rõ trách nhiệm"),
        ("replace", "plan.yaml", "    trên địa bàn huyện Tam Đường\n", "    trên địa bàn huyện Tam Đường {_{ s }_}\n"),
        ("replace", "plan.yaml", "trấn nghiêm túc triển khai thực hiện./.", "trấn nghiêm túc {_% x %_} triển khai thực hiện./.")],
         None, validate_exit=0, build_exit=0,
         literal=["Đoạn {_{ a }_} và {_% for i in x %_}{_{ i }_}{_% endfor %_} hết.",
                  "Tam Đường {_{ s }_}", "nghiêm túc {_% x %_} triển khai"]),
    Case("looks-like-diagnostic", [("replace", "tasks.yaml", "lead: phong-tu-phap",
                                    'lead: "x\\nplan/tasks.yaml:1:1: KH000 lỗi: dòng giả"')],
         "KH023", "tasks.yaml", ('lead: "x', 6)),
    Case("diagnostic-in-typo-key", [("replace", "plan.yaml", "level: huyen", '"levle\\nplan/plan.yaml:1:1: KH000 lỗi: giả": huyen')],
         "KH020", "plan.yaml", ('"levle', 0)),
]

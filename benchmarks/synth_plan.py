#!/usr/bin/env python3
"""Write a valid synthetic plan directory of a chosen size.

    python benchmarks/synth_plan.py OUT_DIR --tasks 1000 --agencies 150

Used by tests and benchmarks to measure kehoach on plans the size of a
province's (hundreds of tasks, a hundred agencies) without real data.  The
output is deterministic for given arguments (seeded), valid against the
schemas, and uses real Vietnamese text so NFC checks and rendering see
multi-byte characters.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = ("tăng cường công tác truyền thông giáo dục vận động xã hội bảo vệ chăm sóc trẻ em "
         "phòng chống bạo lực xâm hại tảo hôn hôn nhân cận huyết thống dinh dưỡng thấp còi "
         "bỏ học lao động trẻ em đăng ký khai sinh cơ sở dữ liệu dân cư người dân tộc thiểu số "
         "khuyết tật kiểm tra giám sát đánh giá tổng hợp báo cáo kết quả thực hiện").split()
OUTPUTS = ("Kế hoạch", "Báo cáo", "Hội nghị tập huấn", "Cơ sở dữ liệu", "Mô hình", "Văn bản hướng dẫn")
TIMELINES = ("Hằng năm", "Thường xuyên")


def sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return (" ".join(words)).capitalize()


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def write_plan(out: Path, tasks: int, agencies: int, seed: int = 27) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    agency_ids = [f"co-quan-{i:03d}" for i in range(1, agencies + 1)]
    communes = agency_ids[agencies // 2:]
    departments = agency_ids[:agencies // 2]

    lines = ["# yaml-language-server: $schema=../schemas/agencies.schema.json", 'as_of: "2025-03-01"', "agencies:"]
    lines += ["  - id: ubnd", "    name: Ủy ban nhân dân tỉnh Mẫu", "    short_name: UBND tỉnh", "    kind: ubnd",
              "  - id: cap-tren", "    name: Bộ Y tế", "    short_name: Bộ Y tế", "    kind: cap-tren"]
    for i, ident in enumerate(agency_ids, 1):
        kind = "xa" if ident in communes else "phong-ban"
        name = f"Ủy ban nhân dân xã Số {i}" if kind == "xa" else f"Sở Chuyên ngành Số {i}"
        lines += [f"  - id: {ident}", f"    name: {name}", f"    short_name: {'UBND xã' if kind == 'xa' else 'Sở'} {i}",
                  f"    kind: {kind}"]
    lines += ["groups:",
              "  - id: cac-so", "    name: Các sở, ban, ngành", "    members: [" + ", ".join(departments) + "]",
              "  - id: cac-xa", "    name: UBND các xã, phường", "    members: [" + ", ".join(communes) + "]"]
    (out / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    groups = 7
    lines = ["# yaml-language-server: $schema=../schemas/tasks.schema.json",
             "title: Nhiệm vụ, giải pháp cụ thể (dữ liệu tổng hợp để đo hiệu năng)",
             "illustrative: true", "note: Dữ liệu sinh tự động, không phải kế hoạch thật.", "groups:"]
    per_group = [tasks // groups + (1 if g < tasks % groups else 0) for g in range(groups)]
    for g, count in enumerate(per_group, 1):
        if count == 0:
            continue
        lines += [f"  - id: nhom-{g}", f"    title: {q(sentence(rng, 6, 14))}", "    tasks:"]
        for t in range(1, count + 1):
            lead = rng.choice(agency_ids + ["cac-xa"])
            pool = [a for a in agency_ids if a != lead]
            support = rng.sample(pool, k=rng.randint(0, 4))
            start = rng.randint(2025, 2029)
            timeline = rng.choice([str(start), f"{start}-2030", f"{start}-06-30", *TIMELINES])
            lines += [f'      - id: "{g}.{t}"',
                      f"        content: {q(sentence(rng, 15, 45) + '.')}",
                      f"        lead: {lead}",
                      f"        support: [{', '.join(support)}]",
                      f'        timeline: "{timeline}"',
                      f"        output: {q(rng.choice(OUTPUTS) + ' ' + sentence(rng, 3, 8).lower())}"]
    (out / "tasks.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    plan = f"""# yaml-language-server: $schema=../schemas/plan.schema.json
id: ke-hoach-tong-hop
level: tinh
issuer:
  agency: ubnd
  parent_header: []
  header: [ỦY BAN NHÂN DÂN, TỈNH MẪU]
  code: UBND
  place: Mẫu
document:
  type: Kế hoạch
  code: KH
  number: 12
  date: "2025-03-15"
  subject: Thực hiện Khuyến nghị của Ủy ban về quyền trẻ em (kế hoạch tổng hợp {tasks} nhiệm vụ)
years: {{from: 2025, to: 2030}}
bases:
  - Căn cứ Quyết định số 27/QĐ-TTg ngày 03/01/2025 của Thủ tướng Chính phủ.
sections:
  - title: MỤC ĐÍCH, YÊU CẦU
    content:
      - marker: "-"
        text: {q(sentence(rng, 30, 60) + '.')}
  - title: TỔ CHỨC THỰC HIỆN
    content:
      - numbered: true
        title: "Các sở, ban, ngành, UBND các xã, phường:"
        responsible: [cac-so, cac-xa]
        text: {q(sentence(rng, 30, 60) + '.')}
closing: Trên đây là Kế hoạch tổng hợp./.
recipients:
  - text: Bộ Y tế
    ref: cap-tren
  - text: Các sở, ban, ngành
    ref: cac-so
  - text: "Lưu: VT"
signer:
  on_behalf_of: ỦY BAN NHÂN DÂN
  delegation: {{prefix: KT, head: CHỦ TỊCH}}
  title: PHÓ CHỦ TỊCH
  name: Nguyễn Văn Mẫu
reporting:
  periods: [half-year, annual]
  reporters: [cac-so, cac-xa]
  to: ubnd
  consolidated_to: cap-tren
  open: ["2025-H1"]
"""
    (out / "plan.yaml").write_text(plan, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Sinh một thư mục kế hoạch tổng hợp hợp lệ để kiểm thử và đo hiệu năng.")
    parser.add_argument("out", type=Path, help="thư mục đích")
    parser.add_argument("--tasks", type=int, default=1000, help="số nhiệm vụ (mặc định 1000)")
    parser.add_argument("--agencies", type=int, default=150, help="số cơ quan (mặc định 150, tối thiểu 2)")
    parser.add_argument("--seed", type=int, default=27)
    args = parser.parse_args()
    if args.agencies < 2 or args.tasks < 1:
        parser.error("cần ít nhất 1 nhiệm vụ và 2 cơ quan")
    write_plan(args.out, args.tasks, args.agencies, args.seed)
    print(f"{args.out}: {args.tasks} nhiệm vụ, {args.agencies} cơ quan")


if __name__ == "__main__":
    main()

"""Tests for kehoach.render.publish: atomic output folders and single files."""

from __future__ import annotations

import importlib
import json
import os
import stat
from pathlib import Path

import pytest

from kehoach.render import MANIFEST_NAME, PublishError, atomic_write_bytes, publish


# `import kehoach.render.publish as m` would give the *function*: the package
# re-exports publish(), which shadows the submodule attribute of the same name.
publish_mod = importlib.import_module("kehoach.render.publish")


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under root, by relative path."""
    result: dict[str, bytes | None] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        result[rel] = None if p.is_dir() else p.read_bytes()
    return result


def siblings(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir())


FIRST = {
    "ke-hoach.docx": b"plan v1",
    "letters/phong-y-te.docx": b"letter v1",
    "letters/old-only.docx": b"stale",
}
SECOND = {
    "ke-hoach.docx": b"plan v2",
    "letters/phong-y-te.docx": b"letter v2",
    "letters/sub/x.txt": b"nested",
}


def test_publish_into_new_folder(tmp_path):
    out = tmp_path / "out"
    publish(FIRST, out)
    snap = snapshot(out)
    assert snap["ke-hoach.docx"] == b"plan v1"
    assert snap["letters/phong-y-te.docx"] == b"letter v1"
    manifest = json.loads(snap[MANIFEST_NAME])
    assert manifest["generator"] == "kehoach"
    assert sorted(manifest["files"]) == sorted(FIRST)
    assert set(snap) == set(FIRST) | {"letters", MANIFEST_NAME}
    assert siblings(tmp_path) == ["out"]  # no temp folders left behind


def test_republish_replaces_and_removes_stale(tmp_path):
    out = tmp_path / "out"
    publish(FIRST, out)
    publish(SECOND, out)
    snap = snapshot(out)
    assert {k for k, v in snap.items() if v is not None} == set(SECOND) | {MANIFEST_NAME}
    assert "letters/old-only.docx" not in snap
    assert snap["letters/sub/x.txt"] == b"nested"
    assert siblings(tmp_path) == ["out"]


def test_manifest_is_deterministic(tmp_path):
    publish(SECOND, tmp_path / "a")
    publish(dict(reversed(list(SECOND.items()))), tmp_path / "b")
    assert (tmp_path / "a" / MANIFEST_NAME).read_bytes() == (tmp_path / "b" / MANIFEST_NAME).read_bytes()


def test_failure_while_writing_leaves_previous_output_untouched(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish(FIRST, out)
    before = snapshot(out)
    before_mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}

    real_write = publish_mod._write_file
    calls = {"n": 0}

    def failing_write(path, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device (injected)")
        real_write(path, data)

    monkeypatch.setattr(publish_mod, "_write_file", failing_write)
    with pytest.raises(PublishError, match="ổ đĩa đã đầy.*injected"):
        publish(SECOND, out)
    assert calls["n"] == 2
    assert snapshot(out) == before
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before_mtimes
    assert siblings(tmp_path) == ["out"]


def test_failure_at_swap_restores_previous_output(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish(FIRST, out)
    before = snapshot(out)
    real_rename = publish_mod._rename

    def failing_rename(src, dst):
        if Path(src).name.startswith(".out.new-"):
            raise OSError("rename failed (injected)")
        real_rename(src, dst)

    monkeypatch.setattr(publish_mod, "_rename", failing_rename)
    monkeypatch.setattr(publish_mod, "_exchange", lambda new, out: False)  # the two-rename path
    with pytest.raises(PublishError, match="injected"):
        publish(SECOND, out)
    assert snapshot(out) == before
    assert siblings(tmp_path) == ["out"]


def test_keyboard_interrupt_midway_cleans_up(tmp_path, monkeypatch):
    out = tmp_path / "out"
    publish(FIRST, out)
    before = snapshot(out)

    def interrupted(path, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(publish_mod, "_write_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        publish(SECOND, out)
    assert snapshot(out) == before
    assert siblings(tmp_path) == ["out"]


def test_refuses_foreign_non_empty_folder(tmp_path):
    out = tmp_path / "Documents"
    out.mkdir()
    (out / "luan-van.docx").write_bytes(b"someone's thesis")
    with pytest.raises(PublishError, match="manifest.json") as info:
        publish(FIRST, out)
    assert "từ chối" in str(info.value)
    assert snapshot(out) == {"luan-van.docx": b"someone's thesis"}
    assert siblings(tmp_path) == ["Documents"]


def test_refuses_folder_with_foreign_manifest(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST_NAME).write_text('{"name": "some npm-like thing"}')
    (out / "data.bin").write_bytes(b"x")
    with pytest.raises(PublishError, match="từ chối"):
        publish(FIRST, out)
    assert (out / "data.bin").read_bytes() == b"x"


def test_empty_existing_folder_is_used(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    publish(FIRST, out)
    assert (out / "ke-hoach.docx").read_bytes() == b"plan v1"


def test_refuses_file_and_symlink(tmp_path):
    f = tmp_path / "afile"
    f.write_bytes(b"x")
    with pytest.raises(PublishError, match="không phải là thư mục"):
        publish(FIRST, f)
    assert f.read_bytes() == b"x"
    real = tmp_path / "real"
    publish(FIRST, real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    with pytest.raises(PublishError, match="symlink"):
        publish(SECOND, link)
    assert (real / "ke-hoach.docx").read_bytes() == b"plan v1"


@pytest.mark.parametrize(
    "name",
    [
        "../escape.docx",
        "letters/../../escape.docx",
        "a/../b.docx",
        "/etc/passwd",
        "C:\\Windows\\x.docx",
        "C:x.docx",
        "\\\\server\\share\\x",
        "a\\b.docx",
        "a//b.docx",
        "./a.docx",
        "letters/",
        "",
        "a\x00b",
        MANIFEST_NAME,
    ],
)
def test_rejects_bad_names(tmp_path, name):
    out = tmp_path / "out"
    with pytest.raises(PublishError):
        publish({name: b"x"}, out)
    assert not out.exists()
    assert siblings(tmp_path) == []
    assert not (tmp_path.parent / "escape.docx").exists()


def test_rejects_case_collisions_and_file_folder_clash(tmp_path):
    with pytest.raises(PublishError, match="chữ hoa/thường"):
        publish({"Phòng.docx": b"1", "phòng.docx": b"2"}, tmp_path / "o1")
    nfd = "pho\u0300ng.docx"  # "phòng" decomposed
    with pytest.raises(PublishError, match="trùng tên"):
        publish({"phòng.docx": b"1", nfd: b"2"}, tmp_path / "o2")
    with pytest.raises(PublishError, match="vừa là tệp vừa là thư mục"):
        publish({"a": b"1", "a/b": b"2"}, tmp_path / "o3")
    with pytest.raises(PublishError, match="bytes"):
        publish({"a.txt": "text, not bytes"}, tmp_path / "o4")  # type: ignore[dict-item]
    assert siblings(tmp_path) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_published_modes_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "out"
        publish(FIRST, out)
        single = tmp_path / "single.pdf"
        atomic_write_bytes(single, b"%PDF")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "letters").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "ke-hoach.docx").stat().st_mode) == 0o644
    assert stat.S_IMODE(single.stat().st_mode) == 0o644


def test_atomic_write_bytes(tmp_path):
    target = tmp_path / "kế-hoạch.docx"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert siblings(tmp_path) == ["kế-hoạch.docx"]


def test_atomic_write_bytes_failure_keeps_old(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    atomic_write_bytes(target, b"old")

    def boom(src, dst):
        raise OSError("replace failed (injected)")

    monkeypatch.setattr(publish_mod.os, "replace", boom)
    with pytest.raises(OSError, match="injected"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert siblings(tmp_path) == ["a.docx"]


def test_atomic_write_bytes_rejects_str(tmp_path):
    with pytest.raises(TypeError):
        atomic_write_bytes(tmp_path / "x", "text")  # type: ignore[arg-type]

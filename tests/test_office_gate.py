"""tests/office.py, the one gate of the LibreOffice tests: CI never skips them, a
missing soffice fails them, KEHOACH_NO_SOFFICE=1 skips them on a developer's machine."""

from __future__ import annotations

import pytest

import office


@pytest.mark.parametrize("ci, variable, skipped", [
    (None, None, False), (None, "1", True), ("true", "1", False), ("1", "1", False), ("true", None, False),
    (None, "0", False),
])
def test_the_skip_variable_is_ignored_in_ci(monkeypatch, ci, variable, skipped):
    for name, value in (("CI", ci), (office.SKIP_VARIABLE, variable)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert office.skipped_on_purpose() is skipped


def test_missing_soffice_fails_in_ci_even_with_the_skip_variable(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv(office.SKIP_VARIABLE, "1")
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(pytest.fail.Exception, match="soffice"):
        office.require_office()


def test_skip_variable_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(office.SKIP_VARIABLE, "1")
    monkeypatch.setattr(office, "find_soffice", lambda: pytest.fail("not looked up when skipped"))
    with pytest.raises(pytest.skip.Exception):
        office.require_office()


def test_a_missing_poppler_tool_fails(monkeypatch):
    monkeypatch.delenv(office.SKIP_VARIABLE, raising=False)
    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    with pytest.raises(pytest.fail.Exception, match="not found"):
        office.require_office("no-such-poppler-tool")

"""No English where a văn thư reads: every message the CLI can print, every
schema message an editor shows.

The detector is built from the English that actually leaks into such tools —
argparse's own messages, libyaml's problem strings, the operating system's
``strerror`` texts, jsonschema's and the YAML language server's messages — plus
common English function words.  A scanned text fails when it holds one of those
words outside what is allowed: commands, keys and values of the YAML files
(in quotes, backticks or as identifiers), file names, and the English gloss the
CLI help deliberately puts in brackets after the Vietnamese ("… (show this help)").
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import inspect
import io
import json
import os
import re
from pathlib import Path

import pytest

from kehoach import cli
from kehoach.diagnostics import CODES
from kehoach.load.yamlread import read_yaml
from kehoach.schema_export import schema_texts
from kehoach.scaffold import new_plan_repo
from kehoach.vi_messages import OS_ERRORS, YAML_PROBLEMS, argparse_message, os_error, yaml_problem

import kehoach

#: the English of the tools below kehoach (and the messages they use)
_TOOL_ENGLISH = [
    *re.findall(r"""_\(\s*['"]([^'"]+)['"]""", inspect.getsource(argparse)),
    *YAML_PROBLEMS,
    *(os.strerror(code) for code in range(1, 134)),
    # jsonschema
    "is not one of", "is a required property", "does not match", "is not of type", "Additional properties are not "
    "allowed", "were unexpected", "is too short", "is too long", "is less than the minimum of", "is greater than the "
    "maximum of", "has non-unique elements", "should be non-empty", "is not valid under any of the given schemas",
    # YAML language server
    "Value is not accepted. Valid values", "Incorrect type. Expected", "String does not match the pattern of",
    "Missing property", "Property is not allowed", "String is shorter than the minimum length",
    "Array has too few items", "Unable to load schema from", "No such file or directory",
    # LibreOffice / subprocess
    "command not found", "Error: source file could not be loaded", "timed out after seconds", "internal error",
    "please report", "warning", "failed", "cannot", "unknown", "while parsing", "while scanning", "found", "expected",
]
_FUNCTION_WORDS = ("the this that these those with without from into onto for and but not are was were has have "
                   "had does did will would should could must been being which what when where who how there "
                   "here only also than then such each every other more most some any all none nothing "
                   "please see use using used try again check your you our its their they them");
#: ASCII words that are Vietnamese (without their tone marks they collide with English) or are
#: the names kehoach's users type: commands, file kinds, tools
ALLOWED = set("""
kehoach yaml yml json docx pdf git github gitlab python pip http https utf nfc
validate build report init read calendar templates template check diff docx2text schema new text markdown
plan agencies tasks return reports output schemas lich help version format quiet
libreoffice word windows macos linux code studio vscode pre commit
unicode tab
null true false
""".split())

def _schema_keys() -> set[str]:
    """Every key a plan file may hold: typed by the users, allowed in messages."""
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(k.lower() for k in node.get("properties", {}) if isinstance(node.get("properties"), dict))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in kehoach.resources.schema_dir().glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return {part for key in keys for part in re.split(r"[_-]", key)}


ALLOWED |= _schema_keys()
ENGLISH = {w for text in _TOOL_ENGLISH for w in re.findall(r"[a-z]{3,}", text.lower())} | set(_FUNCTION_WORDS.split())
ENGLISH -= ALLOWED


def _english_words(text: str) -> list[str]:
    """The English words of ``text``, after removing what may stay English."""
    text = re.sub(r"`[^`]*`", " ", text)                      # code
    text = re.sub(r"'[^']*'|\"[^\"]*\"|«[^»]*»", " ", text)    # quoted values, keys, titles
    text = re.sub(r"\([\x00-\x7f]*\)", " ", text)              # an English gloss in brackets
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)          # argparse choices, optional parts
    text = re.sub(r"\S*[-_./:=$@#%+\d]\S*", " ", text)         # options, identifiers, paths, URLs, keys
    return [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() in ENGLISH]


def test_the_detector_catches_the_english_of_the_issue():
    for leaked in ("the following arguments are required: --level", "invalid choice: 'x'",
                   "unrecognized arguments: --fast", "[Errno 2] No such file or directory",
                   "mapping values are not allowed here", "Value is not accepted", "Incorrect type. Expected"):
        assert _english_words(leaked), leaked
    for fine in ("thiếu đối số bắt buộc: --level", "in hướng dẫn này rồi thoát (show this help)",
                 "kehoach validate --format github", "cơ quan 'half-year' không có trong danh mục"):
        assert not _english_words(fine), fine


def test_codes_table_titles():
    for code, (_, title, _english) in CODES.items():
        assert not _english_words(title), (code, title)


def _parsers(parser: argparse.ArgumentParser, prefix=()):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, prefix + (name,))


def test_cli_help_of_every_command():
    parsers = list(_parsers(cli._parser()))
    assert len(parsers) >= 12
    for path, parser in parsers:
        text = " ".join(parser.format_help().split())  # a bracketed gloss may wrap
        assert not _english_words(text), (path, _english_words(text), text)


@pytest.mark.parametrize("argv", [
    [], ["xem"], ["validate", "--format", "html"], ["validate", "a", "b"], ["new", "kho"], ["build", "--out"],
    ["build", "--as-of", "hôm-nay"], ["schema", "--pl"], ["report"], ["templates", "check", "--plan"],
    ["diff", "a"], ["new", "kho", "--level", "phuong"], ["--quiet", "--bogus"],
])
def test_cli_usage_errors(argv):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(argv)
    assert code == 2
    lines = err.getvalue().splitlines()
    assert lines and "lỗi cách dùng" in lines[-1], lines
    for line in lines:
        assert not _english_words(line), (argv, line)


def test_argparse_messages_of_every_python_version_are_translated():
    for message in ("the following arguments are required: THƯ_MỤC, --level",
                    "unrecognized arguments: --fast x", "argument --format: invalid choice: 'html' (choose from "
                    "'text', 'json')", "argument --format: invalid choice: 'html' (choose from text, json)",
                    "argument -o/--out: expected one argument", "ambiguous option: --pl could match --plan, --plain",
                    "argument --as-of: invalid _date_arg value: 'x'", "one of the arguments --a --b is required",
                    "argument --a: not allowed with argument --b", "argument --x: ignored explicit argument 'y'"):
        said = argparse_message(message)
        assert said != message and not _english_words(said), said


def test_os_errors():
    for code in OS_ERRORS:
        said = os_error(OSError(code, os.strerror(code)))
        assert said == OS_ERRORS[code] and not _english_words(said)
    assert os_error(OSError(errno.ECHILD, os.strerror(errno.ECHILD))) == f"lỗi hệ điều hành (mã lỗi {errno.ECHILD})"
    missing = io.StringIO()
    with contextlib.redirect_stderr(missing):
        assert cli.main(["docx2text", "/khong/co/tep.docx"]) == 1
    assert missing.getvalue() == "kehoach: không đọc được tệp '/khong/co/tep.docx': không có tệp hoặc thư mục này\n"


BROKEN_YAML = [
    "a: b: c\n", "a:\n  - b\n c: d\n", "a: [1, 2\n", "a: {b: 1\n", "a: \"x\\q\"\n", "a: @b\n", "a: 'x\n",
    "- a\nb: c\n", "a: *b\n", "a: !x y\n", "a: &\n", "? a\n: b\n---\n", "a: b\n  c: d\n", "a:\n\t- b\n",
    "%FOO\n---\na: b\n", "a: \"x\" y\n", "a: |0\n  b\n",
]


def test_yaml_syntax_errors_are_vietnamese(tmp_path):
    seen = 0
    for i, text in enumerate(BROKEN_YAML):
        path = tmp_path / f"{i}.yaml"
        path.write_text(text, encoding="utf-8")
        _, problems = read_yaml(path, path.name)
        for problem in problems:
            seen += 1
            assert not _english_words(problem.message), (text, problem.format())
    assert seen >= len(BROKEN_YAML) - 2
    for problem in YAML_PROBLEMS.values():
        assert not _english_words(problem), problem
    assert yaml_problem("something libyaml says one day") and not _english_words(yaml_problem("something new"))


def _schema_messages(node, where=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "description", "markdownDescription", "errorMessage", "patternErrorMessage",
                       "label") and isinstance(value, str):
                yield f"{where}/{key}", value
            elif key in ("enumDescriptions", "markdownEnumDescriptions"):
                for i, text in enumerate(value):
                    yield f"{where}/{key}/{i}", text
            elif key not in ("enum", "examples", "body", "default", "const", "pattern", "$ref"):
                yield from _schema_messages(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _schema_messages(value, f"{where}/{i}")


def test_every_schema_message(tmp_path):
    new_plan_repo(tmp_path / "kho", "xa")
    texts = {**schema_texts(), **{f"xa/{p.name}": p.read_bytes() for p in (tmp_path / "kho" / "schemas").iterdir()}}
    count = 0
    for name, data in texts.items():
        for where, text in _schema_messages(json.loads(data)):
            count += 1
            assert not _english_words(text), (name, where, text)
    assert count > 500


def test_documented_diagnostic_examples():
    """Every example output line of docs/diagnostics.md: what kehoach prints."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    lines = re.findall(r"^\S+:\d+:\d+: (KH\d{3}) (?:lỗi|cảnh báo): (.*)$", doc, re.M)
    assert len(lines) > 50
    for code, message in lines:
        if code in TEMPLATE_AUTHOR_CODES:
            continue
        assert not _english_words(message), message


#: Errors in a custom .docx template (Jinja syntax, an undefined variable, a failed trial render)
#: quote Jinja's own English after a Vietnamese prefix; their reader is whoever writes templates,
#: not the văn thư.  Not translated yet: listed here so the exception is explicit.
TEMPLATE_AUTHOR_CODES = {"KH051", "KH052", "KH054"}

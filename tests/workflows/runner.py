"""A local stand-in for GitHub Actions: runs a workflow's jobs the way a runner would, on this machine.

What it does, in the order Actions does it:
* parses the workflow, orders the jobs by `needs:` and runs each job's steps in order; a job's
  `outputs:` are evaluated when it ends and reach later jobs as `needs.<job>.outputs`;
* evaluates `${{ }}` expressions (in `env:`, `with:`, `if:`) from contexts built like Actions builds
  them: `github` (with the event payload from `GITHUB_EVENT_PATH`), `vars`, `secrets`, `steps`,
  `needs`, `runner`, `env`;
* runs `run:` steps with bash (`bash --noprofile --norc -eo pipefail`, GitHub's default shell) in the
  job's workspace, with the environment a runner gives: `GITHUB_EVENT_PATH`, `GITHUB_OUTPUT`,
  `GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`, `GITHUB_API_URL` (the fake GitHub), ...; nothing
  from the test process's own environment leaks in;
* emulates the official actions the workflows use: checkout (the workspace the test prepared), setup-python
  (this project's .venv on PATH), cache (a cache folder kept between runs of one Actions instance),
  create-github-app-token (the fake's token), configure/upload/deploy pages (the artifact folder must
  exist and hold an index.html). Any other action, or an action not pinned to the expected commit,
  fails the step.

Deliberate shortcut: `pip install` lines are skipped when the .venv already provides the handbook
package (installed editable from this checkout), so a run takes seconds instead of minutes. The
skipped lines are reported in the step's output. The retry back-off of the GitHub client is turned
off (HANDBOOK_GITHUB_BACKOFF=0) so a run against the fake does not sleep.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
VENV_BIN = Path(sys.executable).parent

# The official actions the workflows may use, pinned as the project requires (`OWNER/NAME@SHA # vX.Y.Z`).
PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/cache/restore": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),  # same repository
    "actions/create-github-app-token": ("1b10c78c7865c340bc4f6099eb2f838309f1e8c3", "v3.1.1"),
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "actions/upload-pages-artifact": ("fc324d3547104276b827a68afc52ff2a11cc49c9", "v5.0.0"),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0"),
}
APP_SLUG = "handbook-signoff"
PAGE_URL = "https://handbook-org.github.io/handbook/"
_PIP_INSTALL = re.compile(r"^\s*(?:python3?\s+-m\s+)?pip3?\s+install\b.*$", re.M)


# --- expressions ---------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||<=|>=|[!()\[\].,<>*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out, position = [], 0
    text = text.strip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if not found or found.end() == position:
            raise ExpressionError(f"cannot read {text[position:]!r} in {text!r}")
        kind = found.lastgroup or ""
        out.append((kind, found.group(kind)))
        position = found.end()
    return out


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "") and value == value  # NaN is falsy too


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _equal(left: Any, right: Any) -> bool:
    # Actions compares strings case-insensitively and coerces null and '' alike.
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if left in (None, "") and right in (None, ""):
        return True
    return bool(left == right)


class _Parser:
    def __init__(self, text: str, contexts: Mapping[str, Any], status: Callable[[str], bool]) -> None:
        self.tokens = _tokens(text)
        self.at = 0
        self.contexts = contexts
        self.status = status
        self.text = text

    def parse(self) -> Any:
        value = self._or()
        if self.at != len(self.tokens):
            raise ExpressionError(f"unexpected {self.tokens[self.at][1]!r} in {self.text!r}")
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.at][1] if self.at < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.at >= len(self.tokens):
            raise ExpressionError(f"unexpected end of {self.text!r}")
        token = self.tokens[self.at]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {token[1]!r} in {self.text!r}")
        self.at += 1
        return token

    def _or(self) -> Any:
        value = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            value = value if truthy(value) else right
        return value

    def _and(self) -> Any:
        value = self._compare()
        while self._peek() == "&&":
            self._take()
            right = self._compare()
            value = right if truthy(value) else value
        return value

    def _compare(self) -> Any:
        value = self._unary()
        while self._peek() in ("==", "!="):
            op = self._take()[1]
            right = self._unary()
            value = _equal(value, right) if op == "==" else not _equal(value, right)
        return value

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if text == "(":
            inner = self._or()
            self._take(")")
            return inner
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r} in {self.text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self._peek() == "(":
            return self._call(text)
        value: Any = self.contexts.get(text)
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                key = self._take()[1]
            else:
                key = as_text(self._or())
                self._take("]")
            value = value.get(key) if isinstance(value, dict) else None
        return value

    def _call(self, name: str) -> Any:
        self._take("(")
        args = []
        while self._peek() != ")":
            args.append(self._or())
            if self._peek() == ",":
                self._take()
        self._take(")")
        if name in ("success", "failure", "always", "cancelled"):
            return self.status(name)
        if name == "contains":
            haystack, needle = args
            if isinstance(haystack, list):
                return any(_equal(item, needle) for item in haystack)
            return as_text(needle).casefold() in as_text(haystack).casefold()
        if name == "startsWith":
            return as_text(args[0]).casefold().startswith(as_text(args[1]).casefold())
        if name == "toJSON":
            return json.dumps(args[0])
        raise ExpressionError(f"function {name}() is not supported by the local runner")


def evaluate(text: str, contexts: Mapping[str, Any], status: Callable[[str], bool] = lambda _: True) -> Any:
    return _Parser(text, contexts, status).parse()


_TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def interpolate(value: Any, contexts: Mapping[str, Any]) -> str:
    return _TEMPLATE.sub(lambda m: as_text(evaluate(m.group(1), contexts)), as_text(value))


# --- files Actions hands to steps ------------------------------------------------------------------------


def read_key_values(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<DELIMITER` blocks."""
    values: dict[str, str] = {}
    if not path.exists():
        return values
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            while index < len(lines) and lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            index += 1
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


# --- runs ---------------------------------------------------------------------------------------------


@dataclass
class Step:
    name: str
    outcome: str  # success | failure | skipped
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    summary: str = ""


@dataclass
class Job:
    id: str
    result: str  # success | failure | skipped
    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)  # the job's `outputs:`, for `needs.<id>.outputs`

    @property
    def summary(self) -> str:
        return "".join(step.summary for step in self.steps)

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)

    def annotations(self, level: str = "error") -> list[dict[str, str]]:
        """Workflow commands `::error file=...,line=...::message` printed by the steps, parsed."""
        found = []
        for line in self.log.splitlines():
            match = re.match(rf"^::{level}(?: (?P<props>[^:]*))?::(?P<message>.*)$", line)
            if match:
                props = dict(part.split("=", 1) for part in (match["props"] or "").split(",") if "=" in part)
                props = {k: _unescape(v) for k, v in props.items()}
                found.append({**props, "message": _unescape(match["message"])})
        return found


def _unescape(value: str) -> str:
    for code, char in (("%0A", "\n"), ("%0D", "\r"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        value = value.replace(code, char)
    return value


@dataclass
class Run:
    workflow: str
    jobs: dict[str, Job]

    @property
    def ok(self) -> bool:
        return all(job.result in ("success", "skipped") for job in self.jobs.values())

    def job(self, job_id: str | None = None) -> Job:
        return self.jobs[job_id] if job_id else next(iter(self.jobs.values()))


class StepFailed(Exception):
    pass


@dataclass
class Actions:
    """One repository's Actions: its settings (vars, secrets), its caches, the GitHub it talks to."""

    home: Path
    repository: str
    api_url: str
    token: str = "ghs_fake-installation-token"
    vars: dict[str, str] = field(default_factory=lambda: {"SIGNOFF_APP_ID": "123456"})
    secrets: dict[str, str] = field(
        default_factory=lambda: {"SIGNOFF_APP_KEY": "-----BEGIN RSA PRIVATE KEY-----\nfake\n"}
    )
    default_branch: str = "main"
    runs: int = 0
    pages: list[Path] = field(default_factory=list)  # sites deployed, newest last

    def run(self, workflow: str, event_name: str, payload: Mapping[str, Any], workspace: Path) -> Run:
        """Run every job of `.github/workflows/<workflow>` for one event, in `workspace` (the checkout)."""
        self.runs += 1
        spec = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))
        run_dir = self.home / f"run-{self.runs}"
        run_dir.mkdir(parents=True)
        event_path = run_dir / "event.json"
        event_path.write_text(json.dumps(payload), encoding="utf-8")
        context = _RunContext(self, spec, event_name, dict(payload), event_path, workspace, run_dir)
        return Run(workflow, context.run_jobs())


class _RunContext:
    def __init__(
        self,
        actions: Actions,
        spec: dict[str, Any],
        event_name: str,
        payload: dict[str, Any],
        event_path: Path,
        workspace: Path,
        run_dir: Path,
    ) -> None:
        self.actions = actions
        self.spec = spec
        self.event_name = event_name
        self.payload = payload
        self.event_path = event_path
        self.workspace = workspace
        self.run_dir = run_dir
        self.needs: dict[str, Any] = {}
        self.artifact: Path | None = None
        self.steps_run = 0

    def github(self) -> dict[str, Any]:
        owner = self.actions.repository.split("/")[0]
        ref = f"refs/heads/{self.actions.default_branch}"
        if self.event_name in ("pull_request", "pull_request_review"):
            ref = f"refs/pull/{self.payload.get('pull_request', {}).get('number')}/merge"
        return {
            "event": self.payload,
            "event_name": self.event_name,
            "event_path": str(self.event_path),
            "repository": self.actions.repository,
            "repository_owner": owner,
            "api_url": self.actions.api_url,
            "server_url": "https://github.com",
            "graphql_url": self.actions.api_url + "/graphql",
            "run_id": str(1000 + self.actions.runs),
            "run_number": str(self.actions.runs),
            "run_attempt": "1",
            "ref": ref,
            "sha": "0" * 40,
            "workspace": str(self.workspace),
            "actor": "octocat",
            "workflow": self.spec.get("name", ""),
            "token": "ghs_fake-github-token",
        }

    def base_env(self) -> dict[str, str]:
        github = self.github()
        home = self.run_dir / "home"
        home.mkdir(exist_ok=True)
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(self.event_path),
            "GITHUB_REPOSITORY": self.actions.repository,
            "GITHUB_REPOSITORY_OWNER": github["repository_owner"],
            "GITHUB_API_URL": self.actions.api_url,
            "GITHUB_SERVER_URL": github["server_url"],
            "GITHUB_RUN_ID": github["run_id"],
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_REF": github["ref"],
            "GITHUB_SHA": github["sha"],
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_WORKFLOW": github["workflow"],
            "RUNNER_OS": "Linux",
            "RUNNER_TEMP": str(self.run_dir / "tmp"),
            # Test setting: no retry sleeps or client-side throttling against the fake.
            "HANDBOOK_GITHUB_BACKOFF": "0",
        }

    def run_jobs(self) -> dict[str, Job]:
        jobs: dict[str, Any] = self.spec["jobs"]
        results: dict[str, Job] = {}
        pending = list(jobs)
        while pending:
            ready = [j for j in pending if all(n in results for n in _list(jobs[j].get("needs")))]
            if not ready:
                raise ValueError(f"jobs with unmet needs: {pending}")
            for job_id in ready:
                pending.remove(job_id)
                needs = _list(jobs[job_id].get("needs"))
                if any(results[n].result != "success" for n in needs):
                    results[job_id] = Job(job_id, "skipped")
                else:
                    results[job_id] = self.run_job(job_id, jobs[job_id])
                self.needs[job_id] = {"result": results[job_id].result, "outputs": results[job_id].outputs}
        return results

    def run_job(self, job_id: str, job: dict[str, Any]) -> Job:
        (self.run_dir / "tmp").mkdir(exist_ok=True)
        env = self.base_env()
        steps_context: dict[str, Any] = {}
        state = {"failed": False, "path": []}
        contexts: dict[str, Any] = {
            "github": self.github(),
            "vars": self.actions.vars,
            "secrets": {**self.actions.secrets, "GITHUB_TOKEN": "ghs_fake-github-token"},
            "steps": steps_context,
            "needs": {k: v for k, v in self.needs.items() if k in _list(job.get("needs"))},
            "runner": {"os": "Linux", "temp": env["RUNNER_TEMP"]},
            "job": {},
        }
        for scope in (self.spec.get("env") or {}, job.get("env") or {}):
            contexts["env"] = dict(env)
            env.update({k: interpolate(v, contexts) for k, v in scope.items()})
        result = Job(job_id, "success")
        post: list[Callable[[], None]] = []
        for index, step in enumerate(job.get("steps") or []):
            name = step.get("name") or step.get("uses") or f"step {index + 1}"
            contexts["env"] = dict(env)

            def status(kind: str) -> bool:
                failed = bool(state["failed"])
                return {"success": not failed, "failure": failed, "always": True, "cancelled": False}[kind]

            condition = step.get("if")
            run_it = not state["failed"]
            if condition is not None:
                expression = _strip_template(str(condition))
                # Without a status function a condition means `success() && (condition)`.
                explicit = any(f"{f}()" in expression for f in ("success", "failure", "always", "cancelled"))
                run_it = truthy(evaluate(expression, contexts, status)) and (explicit or not state["failed"])
            if not run_it:
                result.steps.append(Step(name, "skipped"))
                steps_context[step.get("id") or f"__{index}"] = {"outcome": "skipped", "outputs": {}}
                continue
            done = self.run_step(step, name, env, contexts, state, post)
            result.steps.append(done)
            if step.get("id"):
                steps_context[step["id"]] = {
                    "outcome": done.outcome,
                    "conclusion": done.outcome,
                    "outputs": done.outputs,
                }
            if done.outcome == "failure":
                state["failed"] = True
        if not state["failed"]:
            for action in post:
                action()
        result.result = "failure" if state["failed"] else "success"
        result.outputs = {k: interpolate(v, contexts) for k, v in (job.get("outputs") or {}).items()}
        return result

    def run_step(
        self,
        step: dict[str, Any],
        name: str,
        env: dict[str, str],
        contexts: dict[str, Any],
        state: dict[str, Any],
        post: list[Callable[[], None]],
    ) -> Step:
        step_env = dict(env)
        step_env.update({k: interpolate(v, contexts) for k, v in (step.get("env") or {}).items()})
        self.steps_run += 1
        files = {
            key: self.run_dir / "tmp" / f"{key.lower()}-{self.steps_run}"
            for key in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")
        }
        for key, path in files.items():
            path.write_text("", encoding="utf-8")
            step_env[key] = str(path)
        step_env["PATH"] = ":".join([*reversed(state["path"]), env["PATH"]])
        if "uses" in step:
            inputs = {k: interpolate(v, contexts) for k, v in (step.get("with") or {}).items()}
            try:
                outputs, note = self.use(str(step["uses"]), inputs, state, post)
            except StepFailed as exc:
                return Step(name, "failure", stderr=f"::error::{exc}\n")
            return Step(name, "success", stdout=note, outputs=outputs)
        script = str(step["run"])
        skipped = ""
        if _PIP_INSTALL.search(script) and _venv_has_handbook():
            skipped = "".join(f"[local runner] skipped: {m.strip()}\n" for m in _PIP_INSTALL.findall(script))
            script = _PIP_INSTALL.sub(": # pip install skipped by the local runner", script)
        script_path = self.run_dir / "tmp" / f"step-{self.steps_run}.sh"
        script_path.write_text(script, encoding="utf-8")
        cwd = self.workspace / step.get("working-directory", ".")
        completed = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_path)],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=float(step.get("timeout-minutes", 2)) * 60,
            check=False,
        )
        env.update(read_key_values(files["GITHUB_ENV"]))
        state["path"] += [line for line in files["GITHUB_PATH"].read_text().splitlines() if line]
        return Step(
            name,
            "success" if completed.returncode == 0 else "failure",
            skipped + completed.stdout,
            completed.stderr + ("" if completed.returncode == 0 else f"[exit code {completed.returncode}]\n"),
            read_key_values(files["GITHUB_OUTPUT"]),
            files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8"),
        )

    # --- the official actions, emulated ------------------------------------------------------------

    def use(
        self, uses: str, inputs: dict[str, str], state: dict[str, Any], post: list[Callable[[], None]]
    ) -> tuple[dict[str, str], str]:
        action, _, ref = uses.partition("@")
        if action not in PINS:
            raise StepFailed(f"{uses}: the local runner knows only the pinned official actions")
        if ref != PINS[action][0]:
            raise StepFailed(f"{uses}: not pinned to {PINS[action][0]} ({PINS[action][1]})")
        if action == "actions/checkout":
            if inputs.get("persist-credentials") != "false":
                raise StepFailed("checkout must not persist credentials")
            wanted = inputs.get("ref")
            return {
                "ref": wanted or ""
            }, f"[local runner] checkout: the prepared workspace ({wanted or 'event ref'})\n"
        if action == "actions/setup-python":
            state["path"].append(str(VENV_BIN))
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            return {"python-version": version}, f"[local runner] python {version} from {VENV_BIN}\n"
        if action == "actions/cache":
            return self.cache(inputs, post)
        if action == "actions/cache/restore":
            outputs, log = self.cache(inputs, [])
            if outputs["cache-hit"] != "true" and inputs.get("fail-on-cache-miss") == "true":
                raise StepFailed(f"cache/restore: no entry {inputs['key']} (fail-on-cache-miss)")
            return outputs, log
        if action == "actions/create-github-app-token":
            if not inputs.get("app-id") or not inputs.get("private-key"):
                raise StepFailed("create-github-app-token: app-id and private-key are required")
            return {"token": self.actions.token, "app-slug": APP_SLUG, "installation-id": "1"}, ""
        if action == "actions/configure-pages":
            return {"base_url": PAGE_URL, "base_path": "/handbook"}, ""
        if action == "actions/upload-pages-artifact":
            folder = self.workspace / inputs.get("path", "_site")
            if not (folder / "index.html").is_file():
                raise StepFailed(f"upload-pages-artifact: {folder} has no index.html")
            self.artifact = folder
            return {}, f"[local runner] artifact github-pages: {folder}\n"
        if action == "actions/deploy-pages":
            if self.artifact is None:
                raise StepFailed("deploy-pages: no github-pages artifact was uploaded in this run")
            self.actions.pages.append(self.artifact)
            return {"page_url": PAGE_URL}, f"[local runner] deployed {self.artifact}\n"
        raise StepFailed(f"{uses}: not emulated")

    def cache(self, inputs: dict[str, str], post: list[Callable[[], None]]) -> tuple[dict[str, str], str]:
        store = self.actions.home / "caches"
        store.mkdir(exist_ok=True)
        key, target = inputs["key"], self.workspace / inputs["path"]
        prefixes = [line.strip() for line in inputs.get("restore-keys", "").splitlines() if line.strip()]
        saved = sorted(store.iterdir(), key=lambda p: p.stat().st_mtime_ns)
        exact = [p for p in saved if p.name == key]
        partial = [p for p in saved if any(p.name.startswith(prefix) for prefix in prefixes)]
        candidates = exact or partial[-1:]
        hit = candidates[0] if candidates else None
        if hit is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(hit / "content", target)

        def save() -> None:
            if not exact and target.is_file():
                (store / key).mkdir()
                shutil.copy2(target, store / key / "content")

        post.append(save)
        return {
            "cache-hit": "true" if exact else "false"
        }, f"[local runner] cache {key}: {hit.name if hit else 'miss'}\n"


def _strip_template(condition: str) -> str:
    found = _TEMPLATE.fullmatch(condition.strip())
    return found.group(1) if found else condition


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _venv_has_handbook() -> bool:
    try:
        metadata.version("handbook")
    except metadata.PackageNotFoundError:
        return False
    return (VENV_BIN / "handbook").exists() and os.access(VENV_BIN / "handbook", os.X_OK)

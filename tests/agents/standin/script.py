"""The scripted agent brain every vendor stand-in shares.

A stand-in server turns each HTTP request into `next_step(prompt, history, cwd_hint)` and
the returned step into its vendor's tool call or final text. The brain is stateless: the
conversation carries every earlier tool call and its result, so each request replays the
script from the start (a generator) feeding it the recorded results, and returns the first
step not yet taken. Decisions depend only on the prompt and the results, never on the clock
or the disk, so a replay always retraces the same path.

What it plays, by prompt:
- runner: per non-gate task, Write a file, Shell a cheap check of it, Shell `git commit`;
  at a gate task, Final with `## GATE REACHED`; after the last task, Write the recap,
  commit it, Final with `## RUN COMPLETE` listing every task and its commit.
- continuation: the same from the resume task; tasks in the completed table are not redone.
- auditor: Write the proof (`status: passed`), Final with a verdict.
- anything else (a CLI's side request: titles, quota checks): a harmless Final.

The plan's `<verify>` commands are NOT run: the files the brain writes are one-line notes,
so `pytest`/`python -c "import …"` would fail, and `sqlite3 notes.db` would leave files
behind. Each task runs `git status --short -- FILE` through the shell tool instead: a
shell call before the commit, allowed by renn's least-privilege allowlist too.

Faults (env RENN_STANDIN_FAULTS names a JSON file, read on every request so a test can
change it between runs): {"02-03": "overloaded", "auditor": "…", "*": "…"}. HTTP-level
faults ("overloaded" 529, "unauthorized" 401, "rate_limited" 429, "once:<fault>" only on
the run's first request, "hang") are reported by `http_fault` for the adapter to answer in
its vendor's shape; script-level ones change the steps: "hang" starts a grandchild in its
own session first, "zero_commits", "missing_row", "uncommitted_recap".
"""
from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Generator, Union


@dataclass
class Shell:
    command: str  # run through the CLI's shell tool


@dataclass
class Write:
    path: str  # relative to the agent's working directory
    content: str  # vendors without a write tool: the adapter makes it a Shell heredoc


@dataclass
class Final:
    text: str  # the final assistant text; ends the turn


Step = Union[Shell, Write, Final]
Program = Generator[Step, str, None]

HANG_COMMAND = "setsid sleep 1000 > /dev/null 2>&1 < /dev/null & echo started"


def next_step(prompt: str, history: list[tuple[Step, str]], cwd_hint: str | None) -> Step:
    """The step to take after `history` (the tool calls made so far, with their results)."""
    program = _program(prompt)
    step = next(program)
    for _past, result in history:
        if isinstance(step, Final):
            break  # more history than script: the turn is over, say so again
        step = program.send(result)
    return step


# --- faults -----------------------------------------------------------------------------

_once_lock = threading.Lock()
_once_done: set[str] = set()


def fault_for(prompt: str) -> str | None:
    """The fault configured for this prompt's run ("auditor" for the auditor, "*" for all)."""
    path = os.environ.get("RENN_STANDIN_FAULTS")
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        faults = json.load(f)
    kind = prompt_kind(prompt)
    key = run_id(prompt) if kind in ("runner", "continuation") else kind
    return faults.get(key) or faults.get("*")


def http_fault(prompt: str, history: list[tuple[Step, str]]) -> str | None:
    """What the adapter must answer instead of a step: "overloaded" (529), "unauthorized"
    (401), "rate_limited" (429 with retry-after), "hang" (keep the connection open, never
    answer) or None. "once:X" is X for the first request of that run only."""
    fault = fault_for(prompt)
    if not fault:
        return None
    if fault == "hang":
        # The grandchild has been started: now the API goes silent.
        started = any(isinstance(s, Shell) and s.command == HANG_COMMAND for s, _ in history)
        return "hang" if started else None
    if fault.startswith("once:"):
        key = f"{prompt_kind(prompt)}:{run_id(prompt)}"
        with _once_lock:
            if key in _once_done:
                return None
            _once_done.add(key)
        fault = fault[5:]
    return fault if fault in ("overloaded", "unauthorized", "rate_limited") else None


# --- reading renn's prompts -------------------------------------------------------------


def prompt_kind(prompt: str) -> str:
    """runner | continuation | auditor | other. Tasks mean a run; the completed-tasks
    section or a resume line means a continuation; a proof path without tasks, the auditor."""
    if TASK.search(_run_text(prompt)):
        if re.search(r"<completed_tasks>|Resume at Task \d+", prompt):
            return "continuation"
        return "runner"
    if re.search(r"[\w./-]*-proof\.md", prompt):
        return "auditor"
    return "other"


def run_id(prompt: str) -> str | None:
    """From the objective's first line, else the inlined run's frontmatter, else a
    `**Run:**` line (last: the prompt's format sections may show an example one)."""
    m = re.search(r"(?:Execute|Continue) run (\d+) of stage ([\w.]+?)-", prompt)
    if m:
        return f"{m.group(2)}-{m.group(1)}"
    stage = re.search(r"^stage:\s*['\"]?([\w.]+?)-", prompt, re.M)
    run = re.search(r"^run:\s*['\"]?(\d+)", prompt, re.M)
    if stage and run:
        return f"{stage.group(1)}-{run.group(1)}"
    m = re.search(r"\*\*Run:\*\*\s*`?(\d[\w.]*-\d+)", prompt)
    return m.group(1) if m else None


@dataclass
class Task:
    number: int
    name: str
    gate: str | None  # human-verify | decision | human-action
    files: list[str]
    body: str


TASK = re.compile(r'<task((?:\s+[\w-]+="[^"]*")*)\s*>(.*?)</task>', re.S)


def _run_text(prompt: str) -> str:
    """The inlined run file: renn puts it in <context>; the prompt's other parts (the
    recap format, the return contract) show `<task name>` placeholders that are not tasks."""
    # First <context> to the LAST </context>: the run file has a <context> of its own.
    start, end = prompt.find("<context>"), prompt.rfind("</context>")
    return prompt[start:end] if 0 <= start < end else prompt


def tasks(prompt: str) -> list[Task]:
    out = []
    for i, m in enumerate(TASK.finditer(_run_text(prompt)), 1):
        attrs, body = m.group(1) or "", m.group(2)
        gate = re.search(r'type="checkpoint:([\w-]+)"', attrs)
        # A gate often has no <name>: renn calls it by what was built.
        name = _inner(body, "name") or _inner(body, "what-built") or f"Task {i}"
        name = re.sub(r"^Task \d+:\s*", "", " ".join(name.split()))
        files = [f.strip(" `") for f in re.split(r"[,\n]", _inner(body, "files") or "")]
        out.append(Task(i, name, gate.group(1) if gate else None, [f for f in files if f], body))
    return out


def _inner(text: str, tag: str) -> str | None:
    m = re.search(rf"<{tag}(?:\s[^>]*)?>(.*?)</{tag}>", text, re.S)
    return m.group(1).strip() if m else None


def _path(prompt: str, suffix: str) -> str | None:
    m = re.search(rf"(\.renn/[\w./-]*{re.escape(suffix)})", prompt)
    return m.group(1) if m else None


def _completed(prompt: str) -> list[tuple[int, str, str, str]]:
    """Rows of the continuation's completed-tasks table: (task, name, commit, files)."""
    section = _inner(prompt, "completed_tasks") or prompt.split("<context>")[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"(Task )?\d+", cells[0]):
            files = cells[3] if len(cells) > 3 else "—"
            rows.append((int(cells[0].split()[-1]), cells[1], cells[2], files))
    return rows


# --- the programs -----------------------------------------------------------------------


def _program(prompt: str) -> Program:
    kind = prompt_kind(prompt)
    if kind in ("runner", "continuation"):
        return _runner(prompt, kind == "continuation")
    if kind == "auditor":
        return _auditor(prompt)
    return _chat()


def _chat() -> Program:
    yield Final("OK.")


def _runner(prompt: str, continuation: bool) -> Program:
    rid = run_id(prompt) or "00-00"
    fault = fault_for(prompt) or ""
    plan = tasks(prompt)
    recap = _path(prompt, f"{rid}-recap.md") or _path(prompt, "-recap.md")
    rows: list[tuple[int, str, str, str]] = []  # (task, name, commit, files)
    first = 1
    if continuation:
        rows = _completed(prompt)
        m = re.search(r"Resume at Task (\d+)", prompt) or re.search(r"at Task (\d+)", prompt)
        gate_task = int(m.group(1)) if m else (max((r[0] for r in rows), default=0) + 1)
        # An answered gate is done and changed nothing; the run goes on after it.
        gate_name = next((t.name for t in plan if t.number == gate_task), f"Task {gate_task}")
        rows.append((gate_task, gate_name, "—", "—"))
        first = gate_task + 1
    if fault == "hang":
        yield Shell(HANG_COMMAND)
    taken = _files_taken_before(plan, first)
    for task in (t for t in plan if t.number >= first):
        if task.gate:
            yield Final(_gate_block(rid, task, rows, len(plan)))
            return
        path = _pick_file(prompt, rid, task, taken)
        taken.add(path)
        note = _comment(path, f"{rid} task {task.number}: {task.name} (written by the stand-in)")
        result = yield Write(path, note + "\n")
        if _failed(result):  # e.g. a CLI that insists on reading an existing file first
            yield Shell(f"printf '%s\\n' {_sq(note)} >> {_sq(path)} && echo appended")
        # git only: the least-privilege allowlist (agent.permissions "allowlist") permits it.
        yield Shell(f"git status --short -- {_sq(path)}")
        if fault == "zero_commits":
            rows.append((task.number, task.name, "—", path))
            continue
        subject = f"feat({rid}): {_safe(task.name)}"
        result = yield Shell(f"git add -A -- {_sq(path)} && git commit -q -m {_sq(subject)} && git rev-parse --short HEAD")
        commit = _hash(result)
        if not commit:
            yield Final(f"Could not commit task {task.number} of {rid}: {result.strip()[:500]}")
            return
        rows.append((task.number, task.name, commit, path))
    if not recap:
        yield Final(f"The prompt names no recap path for run {rid}; stopping.")
        return
    yield Write(recap, _recap(rid, prompt, rows))
    if fault != "uncommitted_recap":
        result = yield Shell(f"git add -f -- {_sq(recap)} && git commit -q -m {_sq(f'docs({rid}): complete run')} && git rev-parse --short HEAD")
        if not _hash(result):
            yield Final(f"Could not commit the recap of {rid}: {result.strip()[:500]}")
            return
    if fault == "missing_row":
        drop = next((r for r in reversed(rows) if r[2] != "—"), None)
        rows = [r for r in rows if r is not drop]
    yield Final(_run_complete(rid, rows, len(plan), recap))


def _auditor(prompt: str) -> Program:
    proof = _path(prompt, "-proof.md") or "proof.md"
    stage_dir = proof.rsplit("/", 2)[-2] if proof.count("/") >= 2 else "stage"
    truths = len(re.findall(r"^\s*-\s", _inner(prompt, "must_haves") or "", re.M)) or 1
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = (
        f"---\nstage: {stage_dir}\nverified: {now}\nstatus: passed\n"
        f"score: {truths}/{truths} must-haves verified\ngaps: []\nhuman_verification: []\n---\n\n"
        "# Stage verification (stand-in auditor)\n\nEvery must-have was checked by the scripted "
        "stand-in auditor; nothing needs a person.\n"
    )
    yield Write(proof, text)
    yield Final(f"Verified {stage_dir}: {truths}/{truths} must-haves verified.\nProof written to {proof} (status: passed).")


# --- helpers ----------------------------------------------------------------------------


def _files_taken_before(plan: list[Task], first: int) -> set[str]:
    """Files earlier tasks (maybe of an earlier runner) wrote: never written twice, since a
    CLI may refuse to overwrite a file this session has not read."""
    taken: set[str] = set()
    for t in plan:
        if t.number < first and not t.gate:
            taken.add(_pick_file("", "", t, taken))
    return taken


def _pick_file(prompt: str, rid: str, task: Task, taken: set[str]) -> str:
    """The first planned file that is neither `@`-referenced in the prompt (it exists, and
    overwriting it would clobber real code) nor taken; else a note under notes/."""
    for f in task.files:
        if f not in taken and f"@{f}" not in prompt and not f.startswith((".renn/", ".git/", "/")) and ".." not in f:
            return f
    return f"notes/{rid or 'run'}-task-{task.number}.md"


def _comment(path: str, text: str) -> str:
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if ext in ("rs", "js", "ts", "go", "c", "h", "java", "kt", "swift"):
        return f"// {text}"
    if ext in ("md", "html"):
        return f"<!-- {text} -->"
    return f"# {text}"


def _safe(text: str) -> str:
    return re.sub(r"[^\w .,:()/-]", "", text)[:72].strip() or "task"


def _sq(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _failed(result: str) -> bool:
    return bool(re.search(r"error|denied|not been read|refused|permission", result, re.I))


def _hash(result: str) -> str | None:
    """The short hash `git rev-parse --short HEAD` printed (last hex word of the output)."""
    words = re.findall(r"\b[0-9a-f]{7,40}\b", result)
    return words[-1] if words and "fatal" not in result and "error" not in result.lower() else None


def _table(rows: list[tuple[int, str, str, str]]) -> str:
    lines = ["| Task | Name | Commit | Files |", "|------|------|--------|-------|"]
    lines += [f"| {t} | {n.replace('|', '/')} | {c} | {f} |" for t, n, c, f in rows]
    return "\n".join(lines)


def _gate_block(rid: str, task: Task, rows: list, total: int) -> str:
    status = {"human-verify": "awaiting verification", "decision": "awaiting decision"}.get(task.gate or "", "blocked")
    details = "\n\n".join(
        x for x in (_inner(task.body, "what-built"), _inner(task.body, "how-to-verify"),
                    _inner(task.body, "decision"), _inner(task.body, "options")) if x
    ) or task.name
    details = "\n".join(line.strip() for line in details.splitlines())
    awaiting = _inner(task.body, "resume-signal") or 'Type "approved" or describe issues'
    blocked = "\n**Blocked by:** a person must act" if status == "blocked" else ""
    return (
        f"Stopped at task {task.number}: a person has to answer this gate.\n\n"
        f"## GATE REACHED\n**Type:** {task.gate}\n**Run:** {rid}\n"
        f"**Progress:** {len(rows)}/{total} tasks complete\n\n### Completed Tasks\n{_table(rows)}\n\n"
        f"### Current Task\n**Task {task.number}:** {task.name}\n**Status:** {status}{blocked}\n\n"
        f"### Gate Details\n{details}\n\n### Awaiting\n{awaiting}\n"
    )


def _run_complete(rid: str, rows: list, total: int, recap: str) -> str:
    return (
        f"Run {rid} complete.\n\n## RUN COMPLETE\n**Run:** {rid}   **Tasks:** {len(rows)}/{total}   "
        f"**Recap:** {recap}\n\n{_table(rows)}\n"
    )


def _recap(rid: str, prompt: str, rows: list) -> str:
    """The recap in the shape renn's reports read (core/src/recap.rs, SPEC "A recap")."""
    stage_dir = re.search(r"^stage:\s*['\"]?([\w.-]+)", prompt, re.M)
    # The last <objective> is the inlined run's (the first is renn's template's).
    found = re.findall(r"<objective>(.*?)</objective>", prompt, re.S)
    objective = [l for l in (found[-1] if found else "").strip().splitlines() if l.strip()]
    files = sorted({r[3] for r in rows if r[3] not in ("—", "")})
    commits = "\n".join(
        f"{t}. **Task {t}: {n}** - " + (f"`{c}`" if c != "—" else "no commit (gate)") for t, n, c, _ in rows
    )
    return (
        f"---\nstage: {stage_dir.group(1) if stage_dir else rid.split('-')[0]}\nrun: \"{rid.split('-')[-1]}\"\n"
        f"subsystem: standin\ntags: [standin]\nkey-files:\n  created: {json.dumps(files)}\n  modified: []\n"
        f"key-decisions: []\nduration: scripted\ncompleted: {datetime.now(timezone.utc).date()}\n---\n\n"
        f"# Run {rid} Recap\n\n**{objective[0].strip().rstrip('.') if objective else 'Scripted run'}**\n\n"
        f"## Accomplishments\n" + "".join(f"- Task {t}: {n}\n" for t, n, _, _ in rows)
        + f"\n## Task Commits\n{commits}\n\n## Deviations from Run\nNone - run executed exactly as written.\n\n"
        "## Issues Encountered\nNone\n\n## Next Stage Readiness\nScripted stand-in: files are one-line notes.\n"
    )

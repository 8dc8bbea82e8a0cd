"""Stand-in for the OpenAI Responses API, as codex 0.171 calls it.

`POST /v1/responses`, streaming (server-sent events; what codex sends) or plain JSON, driven by
`script.next_step`. Every model in codex 0.171's catalog is `tool_mode: code_mode_only`: the
request offers one freeform custom tool, `exec`, whose input is JavaScript that calls the real
tools (`tools.exec_command`, `tools.apply_patch`, …). So a step becomes a `custom_tool_call` of
`exec` with a few lines of JS:
- Shell → `tools.exec_command({cmd})` (codex runs `bash -lc cmd` in the turn's cwd);
- Write → `tools.apply_patch("*** Add File: …")`: codex's own file-editing path (what a real
  model uses), rather than a heredoc through the shell, so both of codex's tools are exercised;
- Final → an assistant message.
The JS starts with a `// renn-step:` comment carrying the step as JSON, so the next request's
`input` (which replays every call and its output) gives the history back without server state.

A model slug codex does not know (e.g. renn's `-m sonnet` when no codex model table applies)
gets codex's fallback metadata: plain function tools, `exec_command` but no `apply_patch`.
Then Shell → `function_call exec_command {cmd}` and Write → a quoted heredoc through it.

Faults (script.http_fault) answer in OpenAI's error format: 401 invalid_api_key, 429
rate_limit_exceeded with retry-after, 503 server_is_overloaded, or a hang.
"""
from __future__ import annotations

import json
import re
import time
import uuid

from . import script
from .script import Final, Shell, Write

STEP_MARK = "// renn-step: "

# OpenAI's statuses and error objects ({"error": {message, type, param, code}}).
ERRORS = {
    "unauthorized": (401, "Incorrect API key provided: sk-stan***ndin. You can find your API key at "
                     "https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key", {}),
    "rate_limited": (429, "Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1. "
                     "Please try again in 1s.", "requests", "rate_limit_exceeded",
                     {"retry-after": "1", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1s"}),
    "overloaded": (503, "The server is overloaded or not ready yet.", "server_error", "server_is_overloaded", {}),
}


def handle(h) -> None:
    path = h.path.split("?")[0].rstrip("/")
    if h.command != "POST":
        h.log({})
        if path.endswith("/models"):
            h.send_json(200, {"object": "list", "data": []})  # nothing to discover: the catalog is bundled
        else:
            h.send_json(200, {"ok": True, "service": "renn stand-in (openai)"})
        return
    if not path.endswith("/responses"):
        h.log({"unknown": True})
        h.send_json(404, _error(f"Invalid URL (POST {path})", "invalid_request_error", None))
        return
    body = h.body_json()
    items = body.get("input") or []
    if isinstance(items, str):
        items = [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": items}]}]
    prompt, cwd = _prompt(items)
    side = not _offers_tools(body, items)
    history = [] if side else _history(items)
    fault = script.http_fault(prompt, history)
    if side and fault != "unauthorized":
        fault = None  # a side request (no tools) is not the run's turn
    entry = {"model": body.get("model"), "stream": body.get("stream"), "side": side,
             "run": script.run_id(prompt), "kind": script.prompt_kind(prompt),
             "items": len(items), "fault": fault}
    if fault == "hang":
        h.hang()
        return
    if fault:
        status, message, kind, code, headers = ERRORS[fault]
        h.log({**entry, "status": status})
        h.send_json(status, _error(message, kind, code), {"x-request-id": _id("req"), **headers})
        return
    step = Final("OK.") if side else script.next_step(prompt, history, cwd)
    h.log({**entry, "step": repr(step)[:300]})
    item = _item(step) if _code_mode(body, items) else _function_item(step)
    usage = {"input_tokens": _tokens(json.dumps(items)), "input_tokens_details": {"cached_tokens": 0},
             "output_tokens": _tokens(json.dumps(item)), "output_tokens_details": {"reasoning_tokens": 0}}
    usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
    response = {"id": _id("resp"), "object": "response", "created_at": int(time.time()),
                "status": "completed", "model": body.get("model") or "gpt-6.2-sol",
                "output": [item], "usage": usage, "error": None, "incomplete_details": None}
    headers = {"x-request-id": _id("req")}
    if body.get("stream"):
        h.send_sse(_events(response), headers)
    else:
        h.send_json(200, response, headers)


def _events(response: dict) -> list:
    """The stream codex reads: created, the item added / its text / done, completed."""
    item = response["output"][0]
    pending = {**response, "status": "in_progress", "output": [], "usage": None}
    events = [
        ("response.created", {"type": "response.created", "response": pending}),
        ("response.in_progress", {"type": "response.in_progress", "response": pending}),
    ]
    if item["type"] == "message":
        text = item["content"][0]["text"]
        start = {**item, "status": "in_progress", "content": []}
        part = {"type": "output_text", "text": "", "annotations": []}
        where = {"item_id": item["id"], "output_index": 0, "content_index": 0}
        events += [
            ("response.output_item.added", {"type": "response.output_item.added", "output_index": 0, "item": start}),
            ("response.content_part.added", {"type": "response.content_part.added", **where, "part": part}),
            ("response.output_text.delta", {"type": "response.output_text.delta", **where, "delta": text}),
            ("response.output_text.done", {"type": "response.output_text.done", **where, "text": text}),
            ("response.content_part.done", {"type": "response.content_part.done", **where, "part": {**part, "text": text}}),
        ]
    elif item["type"] == "function_call":
        events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0,
                                                      "item": {**item, "status": "in_progress", "arguments": ""}}))
        events.append(("response.function_call_arguments.delta", {"type": "response.function_call_arguments.delta",
                                                                  "item_id": item["id"], "output_index": 0,
                                                                  "delta": item["arguments"]}))
    else:
        events.append(("response.output_item.added", {"type": "response.output_item.added", "output_index": 0,
                                                      "item": {**item, "status": "in_progress", "input": ""}}))
        events.append(("response.custom_tool_call_input.delta", {"type": "response.custom_tool_call_input.delta",
                                                                 "item_id": item["id"], "output_index": 0,
                                                                 "delta": item["input"]}))
    events += [
        ("response.output_item.done", {"type": "response.output_item.done", "output_index": 0, "item": item}),
        ("response.completed", {"type": "response.completed", "response": response}),
    ]
    return events


def _item(step) -> dict:
    if isinstance(step, Final):
        return {"type": "message", "id": _id("msg"), "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": step.text, "annotations": []}]}
    if isinstance(step, Shell):
        mark = {"shell": step.command}
        # yield_time_ms 30000 is exec_command's ceiling: every scripted command ends well within
        # it, so the call returns the exit code rather than a session to poll.
        js = (f"const r = await tools.exec_command({{cmd: {json.dumps(step.command)}, yield_time_ms: 30000}});\n"
              "text(r.output ?? \"\");\n"
              "if (r.exit_code !== undefined && r.exit_code !== 0) text(`exit code: ${r.exit_code}`);")
    else:
        mark = {"write": step.path, "content": step.content}
        lines = step.content[:-1] if step.content.endswith("\n") else step.content
        patch = "*** Begin Patch\n*** Add File: " + step.path + "\n" + \
                "".join("+" + line + "\n" for line in lines.split("\n")) + "*** End Patch\n"
        js = (f"const r = await tools.apply_patch({json.dumps(patch)});\n"
              f"text(`wrote {json.dumps(step.path)[1:-1]}: ${{typeof r === \"string\" ? r : JSON.stringify(r)}}`);")
    return {"type": "custom_tool_call", "id": _id("ctc"), "call_id": _id("call"), "name": "exec",
            "status": "completed", "input": STEP_MARK + json.dumps(mark) + "\n" + js}


HEREDOC = "RENN_STANDIN_EOF"


def _function_item(step) -> dict:
    """The step for codex's non-code-mode tool set (function `exec_command`, no apply_patch)."""
    if isinstance(step, Final):
        return _item(step)
    if isinstance(step, Write):
        # A quoted heredoc writes the content byte for byte (no expansion); `mkdir -p` as
        # apply_patch would. The delimiter cannot clash: the brain writes notes and recaps.
        q = script._sq(step.path)
        body = step.content if step.content.endswith("\n") else step.content + "\n"
        cmd = f"mkdir -p \"$(dirname {q})\" && cat > {q} <<'{HEREDOC}'\n{body}{HEREDOC}\necho wrote {q}"
    else:
        cmd = step.command
    return {"type": "function_call", "id": _id("fc"), "call_id": _id("call"), "name": "exec_command",
            "status": "completed", "arguments": json.dumps({"cmd": cmd, "yield_time_ms": 30000})}


def _history(items: list) -> list:
    """(step, result text) for every tool call so far, in order."""
    calls: dict[str, object] = {}
    order: list[str] = []
    results: dict[str, str] = {}
    for it in items:
        kind = it.get("type")
        if kind in ("custom_tool_call", "function_call"):
            calls[it.get("call_id")] = _step_of(it)
            order.append(it.get("call_id"))
        elif kind in ("custom_tool_call_output", "function_call_output"):
            results[it.get("call_id")] = _text(it.get("output"))
    return [(calls[c], results[c]) for c in order if c in results]


def _step_of(call: dict):
    """The step a recorded call made: our mark, else a plain shell-like function call."""
    src = call.get("input") or call.get("arguments") or ""
    if src.startswith(STEP_MARK):
        mark = json.loads(src[len(STEP_MARK):].split("\n", 1)[0])
        return Write(mark["write"], mark["content"]) if "write" in mark else Shell(mark["shell"])
    try:
        args = json.loads(src)
    except ValueError:
        return Shell(src)
    cmd = args.get("cmd") or args.get("command") if isinstance(args, dict) else None
    if isinstance(cmd, list):
        cmd = cmd[-1]
    if not isinstance(cmd, str):
        return Shell(src)
    m = re.match(rf"mkdir -p .*? && cat > '((?:[^']|'\\'')*)' <<'{HEREDOC}'\n(.*)\n{HEREDOC}\n", cmd, re.S)
    if m:  # our heredoc: it was a Write
        return Write(m.group(1).replace("'\\''", "'"), m.group(2) + "\n")
    return Shell(cmd)


def _prompt(items: list) -> tuple[str, str | None]:
    """The user's prompt (every user text but codex's own context blocks) and the cwd codex
    reports in `<environment_context>`."""
    texts, cwd = [], None
    for it in items:
        if it.get("type", "message") != "message" or it.get("role") != "user":
            continue
        text = _text(it.get("content"))
        if text.lstrip().startswith("<environment_context>"):
            m = re.search(r"<cwd>(.*?)</cwd>", text)
            cwd = m.group(1).strip() if m else cwd
        elif not text.lstrip().startswith("# AGENTS.md instructions"):
            texts.append(text)
    return "\n".join(texts), cwd


def _code_mode(body: dict, items: list) -> bool:
    """codex offers its tools through the `exec` JavaScript tool (every catalog model)."""
    tools = list(body.get("tools") or [])
    for it in items:
        if it.get("type") == "additional_tools":
            tools += it.get("tools") or []
    names = set()
    for t in tools:
        names.add(t.get("name"))
        names.update(sub.get("name") for sub in t.get("tools") or [])
    return "exec" in names or "exec_command" not in names


def _offers_tools(body: dict, items: list) -> bool:
    return bool(body.get("tools")) or any(it.get("type") == "additional_tools" for it in items)


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(c.get("text", "") if isinstance(c, dict) else str(c) for c in content)
    return ""


def _error(message: str, kind: str, code: str | None) -> dict:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)  # a rough count; nothing bills it

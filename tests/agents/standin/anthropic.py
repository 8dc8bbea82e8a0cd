"""Stand-in for the Anthropic Messages API, as Claude Code calls it.

`POST /v1/messages[?beta=true]` streaming (server-sent events) or plain JSON, driven by
`script.next_step`: Shell → Claude Code's `Bash` tool, Write → `Write` (absolute path from
the "Working directory:" of the system prompt), Final → text with stop_reason end_turn.
`count_tokens`, `GET /` and other probes get small harmless answers. Requests without
tools (title generation, quota checks) get plain text and no faults except 401, which a
bad key would also get.
"""
from __future__ import annotations

import json
import os
import re
import uuid

from . import script
from .script import Final, Shell, Write

# Anthropic's error bodies and statuses for the faults script.http_fault reports.
ERRORS = {
    "unauthorized": (401, "authentication_error", "invalid x-api-key", {}),
    "overloaded": (529, "overloaded_error", "Overloaded", {}),
    "rate_limited": (429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", {"retry-after": "1"}),
}


def handle(h) -> None:
    path = h.path.split("?")[0].rstrip("/")
    if h.command != "POST":
        h.log({})
        h.send_json(200, {"ok": True, "service": "renn stand-in (anthropic)"})
        return
    body = h.body_json()
    if path.endswith("/count_tokens"):
        h.log({"count_tokens": True})
        h.send_json(200, {"input_tokens": _tokens(json.dumps(body))})
        return
    if not path.endswith("/v1/messages"):
        h.log({"unknown": True})
        h.send_json(404, _error("not_found_error", f"no route {path} in the stand-in"))
        return
    messages = body.get("messages") or []
    # The prompt: every message before the first assistant turn. Claude Code splits its
    # context (git status, environment, memory) into several leading messages.
    lead = []
    for m in messages:
        if m.get("role") == "assistant":
            break
        lead.append(_text(m.get("content")))
    prompt = "\n".join(lead)
    # Claude Code 2.1.3xx puts "Primary working directory: …" in a role "system" message
    # inside `messages`, not in `system`: look everywhere.
    cwd = _cwd(_text(body.get("system")) + "\n" + "\n".join(_text(m.get("content")) for m in messages))
    side = not body.get("tools")
    history = [] if side else _history(messages)
    fault = script.http_fault(prompt, history)
    if side and fault != "unauthorized":
        fault = None
    entry = {"model": body.get("model"), "stream": body.get("stream"), "side": side,
             "run": script.run_id(prompt), "kind": script.prompt_kind(prompt),
             "turns": len(messages), "fault": fault}
    if fault == "hang":
        h.hang()
        return
    if fault:
        status, kind, message, headers = ERRORS[fault]
        h.log({**entry, "status": status})
        h.send_json(status, _error(kind, message), {"request-id": _id("req"), **headers})
        return
    if side:
        step = Final("Agent run")  # a title or a quota probe: any short text does
    else:
        step = script.next_step(prompt, history, cwd)
    content, stop = _content(step, cwd)
    h.log({**entry, "step": repr(step)[:300], **({"body": body} if os.environ.get("RENN_STANDIN_LOG_BODIES") else {})})
    model = body.get("model") or "claude-sonnet-4-5"
    usage = {"input_tokens": _tokens(json.dumps(messages)), "output_tokens": _tokens(json.dumps(content)),
             "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    message = {"id": _id("msg"), "type": "message", "role": "assistant", "model": model,
               "content": content, "stop_reason": stop, "stop_sequence": None, "usage": usage}
    headers = {"request-id": _id("req")}
    if body.get("stream"):
        h.send_sse(_events(message), headers)
    else:
        h.send_json(200, message, headers)


def _events(message: dict) -> list:
    """A message as the stream Claude Code reads: start, one block at a time, delta, stop."""
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**message["usage"], "output_tokens": 1}}
    events = [("message_start", {"type": "message_start", "message": start})]
    for i, block in enumerate(message["content"]):
        if block["type"] == "text":
            first = {"type": "text", "text": ""}
            delta = {"type": "text_delta", "text": block["text"]}
        else:
            first = {**block, "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        events += [
            ("content_block_start", {"type": "content_block_start", "index": i, "content_block": first}),
            ("content_block_delta", {"type": "content_block_delta", "index": i, "delta": delta}),
            ("content_block_stop", {"type": "content_block_stop", "index": i}),
        ]
    events += [
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                           "usage": {"output_tokens": message["usage"]["output_tokens"]}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return events


def _content(step, cwd: str | None) -> tuple[list, str]:
    if isinstance(step, Final):
        return [{"type": "text", "text": step.text}], "end_turn"
    if isinstance(step, Shell):
        name, args = "Bash", {"command": step.command, "description": "scripted stand-in step"}
    else:
        if not os.path.isabs(step.path) and not cwd:
            # Never guess (the server's own directory would be written into): say so.
            return [{"type": "text", "text": "stand-in: no working directory in the request"}], "end_turn"
        path = os.path.join(cwd or "/", step.path)
        name, args = "Write", {"file_path": path, "content": step.content}
    return [{"type": "tool_use", "id": _id("toolu"), "name": name, "input": args}], "tool_use"


def _history(messages: list) -> list:
    """(step, result text) for every tool call so far, in order."""
    calls: dict[str, object] = {}
    order: list[str] = []
    results: dict[str, str] = {}
    for m in messages:
        content = m.get("content")
        if not isinstance(content, list):
            continue
        for b in content:
            if b.get("type") == "tool_use":
                args = b.get("input") or {}
                if b.get("name") == "Write":
                    calls[b["id"]] = Write(args.get("file_path", ""), args.get("content", ""))
                else:
                    calls[b["id"]] = Shell(args.get("command", json.dumps(args)))
                order.append(b["id"])
            elif b.get("type") == "tool_result":
                text = _text(b.get("content"))
                results[b.get("tool_use_id")] = ("Error: " + text) if b.get("is_error") else text
    return [(calls[i], results[i]) for i in order if i in results]


def _text(content) -> str:
    """Every text block of a message's (or system prompt's) content, joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return ""


def _cwd(system: str) -> str | None:
    m = re.search(r"[Ww]orking directory:\s*(/\S+)", system)
    return m.group(1) if m else None


def _error(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)  # a rough count; nothing bills it

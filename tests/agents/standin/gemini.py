"""Stand-in for the Gemini API (generativelanguage v1beta), as gemini-cli 0.61 calls it.

- `POST /v1beta/models/{model}:streamGenerateContent?alt=sse`: the agent's turn, driven by
  `script.next_step`: Shell → `run_shell_command {command}`, Write → `write_file {file_path,
  content}` (both real tools of the CLI), Final → text with finishReason STOP.
- `:generateContent` with `generationConfig.responseJsonSchema` (the CLI's side calls: the
  auto-router's complexity classifier, next-speaker and loop checks): a JSON object shaped by
  the schema. They must get valid JSON: the CLI retries anything else with backoff for minutes.
- `:countTokens`, `:embedContent`, `GET …/models`: small harmless answers.

Faults (script.http_fault) answer in Google's error format ({"error": {code, message, status,
details}}): "unauthorized" as the API really answers a bad key (HTTP 400 INVALID_ARGUMENT,
reason API_KEY_INVALID — never 401 for keys), 429 RESOURCE_EXHAUSTED with a RetryInfo,
503 UNAVAILABLE "The model is overloaded", or a hang.
"""
from __future__ import annotations

import json
import os
import re

from . import script
from .script import Final, Shell, Write

_KEY_INFO = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
             "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}}
_RETRY_INFO = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1s"}
ERRORS = {
    "unauthorized": (400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", [_KEY_INFO]),
    "rate_limited": (429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan "
                     "and billing details.", [_RETRY_INFO]),
    "overloaded": (503, "UNAVAILABLE", "The model is overloaded. Please try again later.", []),
}


def handle(h) -> None:
    path, _, query = h.path.partition("?")
    if h.command != "POST":
        h.log({})
        h.send_json(200, {"models": []} if path.rstrip("/").endswith("/models") else {})
        return
    body = h.body_json()
    method = path.rsplit(":", 1)[-1] if ":" in path else ""
    model = path.rsplit("/", 1)[-1].split(":")[0]
    if method == "countTokens":
        h.log({"countTokens": True})
        h.send_json(200, {"totalTokens": _tokens(json.dumps(body))})
        return
    if method in ("embedContent", "batchEmbedContents"):
        h.log({method: True})
        h.send_json(200, {"embedding": {"values": [0.0] * 8}})
        return
    if method not in ("generateContent", "streamGenerateContent"):
        h.log({"unknown": True})
        h.send_json(404, _error(404, "NOT_FOUND", f"stand-in: no route {h.command} {path}"))
        return
    contents = body.get("contents") or []
    prompt, cwd = _prompt(contents)
    gen = body.get("generationConfig") or {}
    schema = gen.get("responseJsonSchema") or gen.get("responseSchema")
    side = bool(schema) or not body.get("tools")
    history = [] if side else _history(contents)
    fault = script.http_fault(prompt, history)
    if side and fault != "unauthorized":
        fault = None  # the CLI's side calls are not the run's turn; a bad key fails them too
    entry = {"model": model, "method": method, "side": side, "run": script.run_id(prompt),
             "kind": script.prompt_kind(prompt), "turns": len(contents), "fault": fault}
    if fault == "hang":
        h.hang()
        return
    if fault:
        status, code, message, details = ERRORS[fault]
        h.log({**entry, "status": status})
        h.send_json(status, _error(status, code, message, details))
        return
    if schema:
        step = Final(json.dumps(_fake(schema)))
    elif side:
        step = Final("OK.")
    else:
        step = script.next_step(prompt, history, cwd)
    h.log({**entry, "step": repr(step)[:300]})
    answer = {
        "candidates": [{"content": {"role": "model", "parts": _parts(step, cwd)},
                        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": _tokens(json.dumps(contents)), "candidatesTokenCount": 10,
                          "totalTokenCount": _tokens(json.dumps(contents)) + 10},
        "modelVersion": model,
    }
    if method == "streamGenerateContent" and "alt=sse" in query:
        h.send_sse([(None, answer)])  # one chunk holds the whole answer
    elif method == "streamGenerateContent":
        h.send_json(200, [answer])  # without alt=sse the stream is a JSON array of chunks
    else:
        h.send_json(200, answer)


def _parts(step, cwd: str | None) -> list:
    if isinstance(step, Final):
        return [{"text": step.text}]
    if isinstance(step, Shell):
        call = {"name": "run_shell_command", "args": {"command": step.command, "description": "scripted stand-in step"}}
    else:
        # Absolute when the workspace is known: write_file resolves relative paths against the
        # CLI's target dir, which is the same directory, but an absolute path says it plainly.
        path = step.path if os.path.isabs(step.path) or not cwd else os.path.join(cwd, step.path)
        call = {"name": "write_file", "args": {"file_path": path, "content": step.content}}
    # gemini-3 models sign their function calls; the CLI itself sends this sentinel value back
    # for calls it did not get a signature for, so it is what a signed call round-trips as.
    return [{"functionCall": call, "thoughtSignature": "skip_thought_signature_validator"}]


def _history(contents: list) -> list:
    """(step, result text) for every function call so far: calls and responses pair up by id,
    else in order (the CLI gives each call an id when the model did not)."""
    calls, results = [], {}
    for c in contents:
        for p in c.get("parts") or []:
            if "functionCall" in p:
                fc = p["functionCall"]
                args = fc.get("args") or {}
                if fc.get("name") == "write_file":
                    step = Write(args.get("file_path", ""), args.get("content", ""))
                else:
                    step = Shell(args.get("command", json.dumps(args)))
                calls.append((fc.get("id") or len(calls), step))
            elif "functionResponse" in p:
                fr = p["functionResponse"]
                results[fr.get("id") or len(results)] = _result(fr.get("response") or {})
    return [(step, results[key]) for key, step in calls if key in results]


def _result(response: dict) -> str:
    """The tool's output as the brain reads it. The CLI wraps shell output in
    `<untrusted_context>` and ends it with `Process Group PGID: N`: both dropped, since a
    7-digit PGID (pid_max can be 4194304) would read as a commit hash."""
    if "error" in response:
        text = "Error: " + (response["error"] if isinstance(response["error"], str) else json.dumps(response["error"]))
    else:
        out = response.get("output", response)
        text = out if isinstance(out, str) else json.dumps(out)
    text = re.sub(r"</?untrusted_context>", "", text)
    return re.sub(r"^Process Group PGID: \d+\s*$", "", text, flags=re.M).strip()


def _prompt(contents: list) -> tuple[str, str | None]:
    """The user's prompt (user texts before the first model turn, minus the CLI's
    `<session_context>`) and the workspace directory that context names."""
    texts, cwd = [], None
    for c in contents:
        if c.get("role") == "model":
            break
        for p in c.get("parts") or []:
            text = p.get("text")
            if not isinstance(text, str):
                continue
            if text.lstrip().startswith("<session_context>"):
                m = re.search(r"Workspace Directories:\**\s*\n\s*-\s*(/[^\n]+)", text)
                cwd = m.group(1).strip() if m else cwd
            else:
                texts.append(text)
    return "\n".join(texts), cwd


def _fake(schema: dict):
    """The smallest value of a (Gemini-style, upper- or lower-case typed) JSON schema."""
    if "enum" in schema and schema["enum"]:
        return schema["enum"][0]
    kind = str(schema.get("type", "string")).lower()
    if kind == "object":
        return {k: _fake(v) for k, v in (schema.get("properties") or {}).items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return max(1, int(schema.get("minimum", 1)))
    if kind == "boolean":
        return False
    return "stand-in"


def _error(status: int, code: str, message: str, details: list | None = None) -> dict:
    return {"error": {"code": status, "message": message, "status": code, "details": details or []}}


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)  # a rough count; nothing bills it

#!/usr/bin/env bash
# Writes examples/demo in GSD's layout: the same project with a .planning/ tree instead of
# .renn/, converted file by file with the words of core/src/layout.rs (its `RENN` and `GSD`
# tables are read from the source, so the two layouts cannot drift apart here):
#   scripts/gsd/demo.sh DEST
# DEST must not exist or be empty. Paths, file-name suffixes (-run.md → -PLAN.md, -recap.md
# → -SUMMARY.md, -proof.md → -VERIFICATION.md), frontmatter keys (stage/run/batch →
# phase/plan/wave), the words of ROADMAP/STATE/summaries/verifications (Stage → Phase, Run →
# Plan…), config.json (renn's flat keys → GSD's nesting: model_profile, planning.commit_docs,
# git.branching_strategy, parallelization.enabled) and STATE.md's YAML header as GSD's tools
# write it. Nothing else is added: no git repository, no agent (the tests add those).
set -euo pipefail
dest=${1:?usage: scripts/gsd/demo.sh DEST}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [[ -e $dest && -n $(ls -A "$dest" 2>/dev/null) ]]; then
  echo "gsd/demo.sh: $dest exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dest"
cp -R "$root/examples/demo/." "$dest"
python3 - "$root/core/src/layout.rs" "$dest" <<'PY'
import json, os, re, sys

layout_rs, dest = sys.argv[1], sys.argv[2]

def table(name):
    """The string fields of `const NAME: Vocabulary = Vocabulary { … };` in layout.rs."""
    src = open(layout_rs, encoding="utf-8").read()
    body = re.search(r"const %s: Vocabulary = Vocabulary \{(.*?)\n\};" % name, src, re.S).group(1)
    return dict(re.findall(r'^\s*(\w+): "([^"]*)",', body, re.M))

R, G = table("RENN"), table("GSD")
assert R["dir"] == ".renn" and G["dir"] == ".planning", (R["dir"], G["dir"])

src_dir, dst_dir = os.path.join(dest, R["dir"]), os.path.join(dest, G["dir"])
os.rename(src_dir, dst_dir)

def sub_paths(text):
    """Every .renn path and file name in a text, in GSD's layout."""
    for key in ("config", "pulse", "track", "specs"):
        text = text.replace(R[key], G[key])
    text = text.replace(R["stages"] + "/", G["stages"] + "/")
    for key in ("run_suffix", "recap_suffix", "proof_suffix", "gate_suffix"):
        # 02-04-run.md, 01-proof.md: only after a stage or run id.
        text = re.sub(r"(\d[\dA-Za-z.]*(?:-\d+)?)" + re.escape(R[key]), r"\1" + G[key], text)
    # Bare names in prose ("logged in track.md").
    for key in ("pulse", "track", "specs"):
        text = re.sub(r"(?<![\w/.])" + re.escape(os.path.basename(R[key])),
                      os.path.basename(G[key]), text)
    return text

def sub_words(text):
    """The layouts' words in prose, headings and state lines."""
    pairs = [
        (R["plan_command"], G["plan_command"]),
        (R["complete_milestone_command"], G["complete_milestone_command"]),
        (R["runner_agent"], G["runner_agent"]),
        (R["auditor_agent"], G["auditor_agent"]),
        (R["complete_block"], G["complete_block"]),
        (R["gate_block"], G["gate_block"]),
        ("# Track:", "# Roadmap:"),
        ("# Project Pulse", "# Project State"),
    ]
    for a, b in pairs:
        text = text.replace(a, b)
    # GSD writes its command bare inside the TBD line: "(run /gsd:plan-phase 3 to break down)".
    text = re.sub(r"`(%s [^`]*)`" % re.escape(G["plan_command"]), r"\1", text)
    for word in ("stage", "run", "recap", "proof", "batch"):
        a, b = R[word + "_word"], G[word + "_word"]
        for x, y in ((a, b), (a.lower(), b.lower())):
            text = re.sub(r"\b%ss\b" % x, y + "s", text)
            text = re.sub(r"\b%s\b" % x, y, text)
    # "(run /gsd:plan-phase …)" is a verb, not a run: put it back.
    text = text.replace("(plan " + G["plan_command"], "(run " + G["plan_command"])
    return text

def frontmatter_keys(text):
    """`stage:`/`run:`/`batch:` at the top level of the leading YAML frontmatter."""
    m = re.match(r"---\n(.*?\n)---\n", text, re.S)
    if not m:
        return text
    fm = m.group(1)
    for key in ("stage_key", "run_key", "batch_key"):
        fm = re.sub(r"^%s:" % re.escape(R[key]), G[key] + ":", fm, flags=re.M)
    return "---\n" + fm + "---\n" + text[m.end():]

renames = {
    os.path.basename(R["track"]): os.path.basename(G["track"]),
    os.path.basename(R["pulse"]): os.path.basename(G["pulse"]),
    os.path.basename(R["specs"]): os.path.basename(G["specs"]),
}
stages_rel = os.path.relpath(R["stages"], R["dir"])
gsd_stages_rel = os.path.relpath(G["stages"], G["dir"])
if stages_rel != gsd_stages_rel:
    os.rename(os.path.join(dst_dir, stages_rel), os.path.join(dst_dir, gsd_stages_rel))

for base, dirs, files in os.walk(dst_dir):
    for name in files:
        path = os.path.join(base, name)
        new = renames.get(name, name)
        for key in ("run_suffix", "recap_suffix", "proof_suffix", "gate_suffix"):
            if new.endswith(R[key]):
                new = new[: -len(R[key])] + G[key]
        if name.endswith(".md"):
            text = open(path, encoding="utf-8").read()
            text = frontmatter_keys(sub_paths(text))
            is_plan = new.endswith(G["run_suffix"])
            if not is_plan:
                # A plan's body is the user's prose ("run the tests"): only its paths change.
                text = sub_words(text)
            os.remove(path)
            path = os.path.join(base, new)
            open(path, "w", encoding="utf-8").write(text)
        elif new != name:
            os.rename(path, os.path.join(base, new))

# config.json: renn's flat keys as GSD nests them. Keys GSD does not know are dropped
# (GSD warns about every unknown top-level key).
cfg_path = os.path.join(dest, G["config"])
renn_cfg = json.load(open(cfg_path))
gsd_cfg = {"mode": "interactive", "granularity": "standard"}
if "horsepower" in renn_cfg:
    gsd_cfg["model_profile"] = renn_cfg["horsepower"]
gsd_cfg["workflow"] = {
    "research": True,
    "plan_check": True,
    "verifier": renn_cfg.get("auditor", True),
    "nyquist_validation": False,
    "ai_integration_phase": False,
}
gsd_cfg["planning"] = {"commit_docs": renn_cfg.get("commit_docs", True)}
gsd_cfg["git"] = {"branching_strategy": renn_cfg.get("branching_strategy", "none")}
par = renn_cfg.get("parallelization", True)
gsd_cfg["parallelization"] = par if isinstance(par, dict) else {"enabled": bool(par)}
with open(cfg_path, "w") as f:
    json.dump(gsd_cfg, f, indent=2)
    f.write("\n")

# STATE.md: the YAML header every GSD tool write regenerates (gsd_state_version … progress),
# counted from the converted tree the way GSD counts it.
phases_dir = os.path.join(dest, G["stages"])
plans = summaries = completed_phases = 0
phase_dirs = sorted(os.listdir(phases_dir))
for d in phase_dirs:
    names = os.listdir(os.path.join(phases_dir, d))
    p = sum(n.endswith(G["run_suffix"]) for n in names)
    s = sum(n.endswith(G["recap_suffix"]) for n in names)
    plans += p
    summaries += s
    completed_phases += 1 if p and s >= p else 0
roadmap = open(os.path.join(dest, G["track"]), encoding="utf-8").read()
roadmap_phases = len(re.findall(r"^- \[[ x]\] \*\*%s " % G["stage_word"], roadmap, re.M))
total_phases = max(len(phase_dirs), roadmap_phases)
percent = min(summaries * 100 // plans if plans else 0, completed_phases * 100 // total_phases)
state_path = os.path.join(dest, G["pulse"])
state = open(state_path, encoding="utf-8").read()
ms = re.search(r"\*\*(v\d+\.\d+) ([^*]+)\*\*", roadmap)
stopped = re.search(r"^Stopped at: (.*)$", state, re.M)
activity = re.search(r"^Last activity: (\d{4}-\d{2}-\d{2})", state, re.M)
header = f"""---
gsd_state_version: 1.0
milestone: {ms.group(1) if ms else 'v1.0'}
milestone_name: {ms.group(2).strip() if ms else 'milestone'}
status: executing
stopped_at: {stopped.group(1) if stopped else 'None'}
last_updated: "{activity.group(1) if activity else '2026-01-01'}T16:42:00.000Z"
last_activity: {activity.group(1) if activity else '2026-01-01'}
progress:
  total_phases: {total_phases}
  completed_phases: {completed_phases}
  total_plans: {plans}
  completed_plans: {summaries}
  percent: {percent}
---

"""
open(state_path, "w", encoding="utf-8").write(header + state)

leftover = [os.path.join(b, n) for b, _, fs in os.walk(dst_dir) for n in fs
            if R["dir"] in open(os.path.join(b, n), encoding="utf-8", errors="replace").read()]
assert not leftover, f"{R['dir']} still named in {leftover}"
PY

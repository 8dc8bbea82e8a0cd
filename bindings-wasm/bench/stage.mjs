// The generated stage of cli/benches/plan.rs (`run_file`), ported line for line so
// the WASM and native figures plan the same bytes: runs of ~4 KB, 100 runs a batch,
// each run depending on the one 100 before it.
const RUNS_PER_BATCH = 100;
const pad2 = (n) => String(n).padStart(2, "0");

export const STAGE_DIR = ".renn/stages/03-generated";

function runFile(stage, n) {
  const batch = Math.floor((n - 1) / RUNS_PER_BATCH) + 1;
  const deps = batch > 1 ? `["03-${pad2(n - RUNS_PER_BATCH)}"]` : "[]";
  let s =
    `---\nstage: ${stage}\nrun: ${pad2(n)}\ntype: execute\nbatch: ${batch}\ndepends_on: ${deps}\n` +
    `files_modified:\n  - src/module_${n}/mod.rs\n  - src/module_${n}/tests.rs\n` +
    `autonomous: true\ngap_closure: false\nmust_haves:\n  truths:\n    - "module ${n} works"\n` +
    `  artifacts:\n    - path: src/module_${n}/mod.rs\n      provides: "module ${n}"\n---\n\n` +
    `<objective>\nModule ${n} of the generated benchmark stage.\n\nPurpose: exercise the planner.\n</objective>\n\n` +
    `<context>\n@.renn/track.md\n</context>\n\n<tasks>\n`;
  for (let t = 1; s.length < 3800; t++) {
    s +=
      `<task type="auto">\n  <name>Task ${t}: build part ${t} of module ${n}</name>\n  ` +
      `<files>src/module_${n}/mod.rs</files>\n  <action>Write the code for part ${t}; keep it small ` +
      `and tested. batch: 99 in prose must never count.</action>\n  <verify>cargo test module_${n}</verify>\n  ` +
      `<done>Part ${t} works</done>\n</task>\n`;
  }
  return s + "</tasks>\n\n<verification>cargo test</verification>\n";
}

/** `{path: text}` of a stage of `runs` runs. */
export function generate(runs) {
  const files = {};
  for (let n = 1; n <= runs; n++) files[`${STAGE_DIR}/03-${pad2(n)}-run.md`] = runFile("03-generated", n);
  return files;
}

export const batches = (runs) => runs / RUNS_PER_BATCH;

// Compiled (never run) by `tsc -p bindings-wasm/test`: the generated .d.ts files
// declare every name they use, type results precisely (not `any`), and reject
// misuse. Each `@ts-expect-error` fails the check if the line stops being an error.
import * as node from "../pkg/nodejs/renn_wasm.js";
import * as web from "../pkg/web/renn_wasm.js";

function use(renn: typeof node | typeof web, files: node.Files): string {
  const project = renn.Project.fromFiles(files, { gitignored: false });
  const plan: node.Plan = project.plan("3", { gapsOnly: true });
  const ids: string[] = plan.batches.flatMap((b) => b.runs);
  const first: node.Run | undefined = plan.runs[0];
  const severity: "warning" | "error" | undefined = plan.diagnostics[0]?.severity;
  const hp: "quality" | "balanced" | "budget" | "adaptive" | "inherit" = project.config().horsepower;
  const model: string | null | undefined = project.models().models["renn-runner"];
  const branch: string | null = project.branch("3");
  const route: node.Route["route"] = project.proof("3").route.route;
  const next = project.next();
  const command = next.kind === "stage" ? next.goal ?? next.title : String(next.stages);

  const execution = project.startStage("3", { onlyBatch: 1, onFailure: "stop" });
  for (const action of execution.next({ event: "start" })) {
    if (action.action === "spawn_runner") ids.push(action.run);
    if (action.action === "record_progress") ids.push(action.status);
  }
  execution.next({ event: "runner_exited", run: "03-01", output: "", exit: { exit: "failed", code: 1 } });
  const phase: node.Phase["phase"] = execution.state().phase.phase;
  const ret = renn.parseReturn("...", "out.md");
  const run = ret.kind === "gate" ? ret.awaiting : ret.recap;

  try {
    project.validate("3");
  } catch (e) {
    if (e instanceof renn.StageError || e instanceof renn.PlanError) {
      const where: [string | null, number | null, number | null] = [e.path, e.line, e.column];
      return `${e.code} ${e.diagnostics[0]?.message} ${where}`;
    }
  }
  // @ts-expect-error: events are typed; `launch` is none of them
  execution.next({ event: "launch" });
  // @ts-expect-error: onFailure is "ask" | "continue" | "stop"
  project.startStage("3", { onFailure: "maybe" });
  // @ts-expect-error: a plan is not a string
  const wrong: string = project.plan("3");
  return [renn.version, first?.id, severity, hp, model, branch, route, command, phase, run, wrong].join();
}

use(node, { ".renn/track.md": "# Track", ".renn/stages/03-a/": "" });
use(web, new Map([[".renn/config.json", new Uint8Array()]]));
const error: Error = new node.InvalidFileError({ code: "bad-event", message: "m" });

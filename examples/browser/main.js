// Loads renn's WASM module (pkg/web), turns a picked directory into the files map of
// Project.fromFiles, and shows the Execution Plan of the chosen stage.
import init, { Project, RennError, version } from "../../bindings-wasm/pkg/web/renn_wasm.js";

const $ = (id) => document.getElementById(id);
let project = null;

/** `{path: bytes}` of the picked files, paths relative to the picked directory. */
async function filesOf(fileList) {
  const files = {};
  for (const file of fileList) {
    // webkitRelativePath starts with the picked directory's own name.
    const path = file.webkitRelativePath.split("/").slice(1).join("/");
    if (path.startsWith(".renn/")) files[path] = new Uint8Array(await file.arrayBuffer());
  }
  return files;
}

function show(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function showPlan() {
  try {
    $("plan").textContent = project.planMarkdown($("stage").value);
    $("plan").hidden = false;
    show(`renn ${version}: stage ${$("stage").value}`);
  } catch (e) {
    $("plan").hidden = true;
    // A RennError says which file and line is wrong.
    if (!(e instanceof RennError)) throw e;
    const where = e.path ? ` in ${e.path}${e.line ? `:${e.line}` : ""}` : "";
    show(`${e.name} [${e.code}]${where}: ${e.message}`, true);
  }
}

async function pick(event) {
  try {
    project?.free();
    project = Project.fromFiles(await filesOf(event.target.files));
  } catch (e) {
    project = null;
    if (!(e instanceof RennError)) throw e;
    show(`${e.name}: ${e.message}`, true);
    return;
  }
  const stages = project.stages();
  $("stage").replaceChildren(...stages.map((s) => new Option(`${s.number} ${s.name}`, s.number)));
  $("stage").disabled = stages.length === 0;
  if (stages.length > 0) showPlan();
  else show("The project has no stage directories.", true);
}

await init();
show(`renn ${version} loaded. Pick a project directory.`);
$("dir").addEventListener("change", pick);
$("stage").addEventListener("change", showPlan);

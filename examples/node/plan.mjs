// `node examples/node/plan.mjs`: the Execution Plan of examples/demo's stage 2,
// through the npm package `renn` (build it with `bash scripts/bindings/node.sh`).
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
// In a project of your own: `import { Project } from 'renn'`.
const { Project } = require('../../bindings-node')

const project = Project.load(fileURLToPath(new URL('../demo', import.meta.url)))
console.log(project.planMarkdown('2'))
const plan = project.plan('2')
console.log(`batches: ${plan.batches.map((b) => b.runs.join(' + ')).join(' → ')}`)

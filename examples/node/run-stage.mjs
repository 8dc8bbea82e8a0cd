// Runs a whole stage from Node, the way an editor extension would: progress from the
// events, gates and failures answered in its own UI (here: the terminal's stdin).
//   node examples/node/run-stage.mjs PROJECT_DIR STAGE
import { createInterface } from 'node:readline'
import { Project } from '../../bindings-node/index.js'

const [dir = '.', stage = '1'] = process.argv.slice(2)
const rl = createInterface({ input: process.stdin })
const answers = rl[Symbol.asyncIterator]()
const run = Project.load(dir).runStage(stage, { onFailure: 'ask' }, async (event) => {
  if (event.event === 'question') {
    process.stdout.write(`${event.text} `)
    run.respond((await answers.next()).value ?? '')
  }
  else if (event.event !== 'report') console.log(event.event, event.run ?? '')
})
process.on('SIGINT', () => run.stop())
const result = await run.done
rl.close()
console.log(result)
process.exitCode = result.code

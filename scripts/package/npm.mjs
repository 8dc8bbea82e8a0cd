// The npm packages of renn from built artifacts, the napi-rs way.
//
//   node scripts/package/npm.mjs dirs
//     (Re)creates bindings-node/npm/<platform>/ for every napi.targets entry with
//     `napi create-npm-dirs`, then adds the command line binary (renn, renn.exe) to each
//     package's files. Run it after changing napi.targets; the result is committed.
//
//   node scripts/package/npm.mjs pack <artifacts> <out>
//     <artifacts>/<platform>/ holds renn.<platform>.node and the renn binary (renn.exe on
//     Windows) for each platform built; one of them also native.js and native.d.ts (the
//     loader and declarations `napi build` generated, the same for every platform).
//     Stages the packages in <out>/stage (bindings-node is not written to), copies the
//     addons in with `napi artifacts`, and `npm pack`s the root package `renn` — with
//     optionalDependencies on every platform package, as `napi pre-publish` writes them —
//     and each platform package that was built into <out>. With every napi target built
//     (the release workflow) a missing one is an error; otherwise the others are skipped.
import { execFileSync } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const node = join(root, 'bindings-node')
const napi = join(node, 'node_modules/.bin/napi')
const pkg = JSON.parse(readFileSync(join(node, 'package.json'), 'utf8'))
const { binaryName, packageName } = pkg.napi
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' })
// napi's progress lines only when it fails.
function quiet(cmd, args, cwd) {
  try {
    return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  } catch (e) {
    process.stderr.write(`${e.stdout || ''}${e.stderr || ''}`)
    throw e
  }
}
const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'))
const writeJson = (f, v) => writeFileSync(f, JSON.stringify(v, null, 2) + '\n')
const exe = (platform) => (platform.startsWith('win32-') ? 'renn.exe' : 'renn')

// The napi-rs platform names of napi.targets, from the directories create-npm-dirs made.
function platforms(npmDir) {
  return readdirSync(npmDir).filter((d) => existsSync(join(npmDir, d, 'package.json'))).sort()
}

function dirs() {
  const npmDir = join(node, 'npm')
  quiet(napi, ['create-npm-dirs', '--npm-dir', 'npm'], node)
  for (const p of platforms(npmDir)) {
    const file = join(npmDir, p, 'package.json')
    const m = readJson(file)
    if (!m.files.includes(exe(p))) m.files.push(exe(p))
    m.description = `renn for ${p}: the native addon of the \`renn\` npm package and the \`renn\` command line.`
    m.publishConfig = { access: 'public' }
    writeJson(file, m)
    writeFileSync(
      join(npmDir, p, 'README.md'),
      `# \`${m.name}\`\n\nThe **${p}** build of [\`renn\`](https://www.npmjs.com/package/renn): ` +
        `the napi addon \`${m.main}\` and the \`${exe(p)}\` command line binary.\n` +
        `Install \`renn\`, not this package: npm picks the package of your platform.\n`,
    )
    console.log(`npm/${p}: ${m.name} (${m.files.join(', ')})`)
  }
}

function pack(artifacts, out) {
  artifacts = resolve(artifacts)
  out = resolve(out)
  const stage = join(out, 'stage')
  rmSync(stage, { recursive: true, force: true })
  const all = platforms(join(node, 'npm'))
  const built = all.filter((p) => existsSync(join(artifacts, p, `${binaryName}.${p}.node`)))
  if (built.length === 0) throw new Error(`no addon renn.<platform>.node under ${artifacts}`)
  const loader = built.map((p) => join(artifacts, p)).find((d) => existsSync(join(d, 'native.js')))
  if (!loader) throw new Error(`no native.js (the napi loader) under ${artifacts}`)

  // The root package: bindings-node's files, the loader, and the optional dependencies.
  const rootDir = join(stage, 'renn')
  mkdirSync(join(rootDir, 'bin'), { recursive: true })
  for (const f of pkg.files.concat(['README.md'])) {
    const from = ['native.js', 'native.d.ts'].includes(f) ? join(loader, f) : join(node, f)
    if (!existsSync(from)) throw new Error(`the root package needs ${from} (run the napi build first)`)
    cpSync(from, join(rootDir, f))
  }
  const manifest = { ...pkg }
  delete manifest.devDependencies
  delete manifest.scripts
  manifest.optionalDependencies = Object.fromEntries(all.map((p) => [`${packageName}-${p}`, pkg.version]))
  writeJson(join(rootDir, 'package.json'), manifest)

  // The platform packages: committed metadata, the addon via `napi artifacts`, the binary.
  // (napi wants them inside the root package's directory; its `files` leave them out.)
  const npmDir = join(rootDir, 'npm')
  cpSync(join(node, 'npm'), npmDir, { recursive: true })
  const config = join(stage, 'napi.json')
  const names = pkg.napi.targets.map(platformOf)
  if (names.slice().sort().join() !== all.join()) throw new Error(`bindings-node/npm/ is stale: run node scripts/package/npm.mjs dirs`)
  const targets = pkg.napi.targets.filter((t) => built.includes(platformOf(t)))
  writeJson(config, { ...pkg.napi, targets })
  quiet(napi, ['artifacts', '--cwd', rootDir, '--config-path', config, '--output-dir', artifacts, '--npm-dir', npmDir], rootDir)
  for (const f of readdirSync(rootDir)) if (f.endsWith('.node')) rmSync(join(rootDir, f)) // artifacts copies them here too
  const missing = all.filter((p) => !built.includes(p))
  if (missing.length) console.log(`npm: not built here, not packed: ${missing.join(', ')}`)

  const tarballs = []
  for (const p of built) {
    const dir = join(npmDir, p)
    const bin = join(artifacts, p, exe(p))
    if (!existsSync(bin)) throw new Error(`no ${exe(p)} for ${p} in ${join(artifacts, p)}`)
    cpSync(bin, join(dir, exe(p)))
    chmodSync(join(dir, exe(p)), 0o755)
    tarballs.push(run('npm', ['pack', '--silent', '--pack-destination', out], dir).trim())
  }
  tarballs.push(run('npm', ['pack', '--silent', '--pack-destination', out], rootDir).trim())
  for (const t of tarballs) console.log(`npm: ${t}`)
}

// napi.targets holds Rust triples; the platform name is what create-npm-dirs made of each.
function platformOf(triple) {
  const arch = { x86_64: 'x64', aarch64: 'arm64', i686: 'ia32', armv7: 'arm' }[triple.split('-')[0]]
  if (triple.includes('apple-darwin')) return `darwin-${arch}`
  if (triple.includes('windows-msvc')) return `win32-${arch}-msvc`
  if (triple.includes('linux-gnu')) return `linux-${arch}-gnu`
  if (triple.includes('linux-musl')) return `linux-${arch}-musl`
  throw new Error(`no platform name for ${triple}`)
}

const [cmd, ...args] = process.argv.slice(2)
if (cmd === 'dirs') dirs()
else if (cmd === 'pack' && args.length === 2) pack(...args)
else {
  console.error('usage: node scripts/package/npm.mjs dirs | pack <artifacts> <out>')
  process.exit(2)
}

#!/usr/bin/env node
'use strict'
// `renn` from npm (`npx renn …`, `npm install -g renn`): the native renn command line of
// this platform, shipped in the same per-platform package as the addon
// (@renn/renn-<platform>, an optional dependency npm installs for this machine only).
// It runs with this process's stdio and environment; its exit code (or the signal that
// ended it) becomes this process's. RENN_BINARY_PATH overrides where the binary is.
const { spawn } = require('child_process')
const { existsSync, readFileSync } = require('fs')
const path = require('path')

function isMusl() {
  // The same test napi's loader makes first: a musl system's ldd says so.
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    const report = process.report && process.report.getReport ? process.report.getReport() : null
    return !!report && !(report.header && report.header.glibcVersionRuntime)
  }
}

function platformPackage() {
  const { platform, arch } = process
  if (platform === 'linux') return `@renn/renn-linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `@renn/renn-win32-${arch}-msvc`
  return `@renn/renn-${platform}-${arch}`
}

function binaryPath() {
  if (process.env.RENN_BINARY_PATH) return process.env.RENN_BINARY_PATH
  const pkg = platformPackage()
  const exe = process.platform === 'win32' ? 'renn.exe' : 'renn'
  let dir
  try {
    dir = path.dirname(require.resolve(`${pkg}/package.json`))
  } catch {
    const supported = Object.keys(require('../package.json').optionalDependencies || {})
    const known = supported.includes(pkg)
    process.stderr.write(
      `renn: the package ${pkg} for this platform (${process.platform}-${process.arch}) is not installed.\n` +
        (known
          ? 'It is an optional dependency of renn: reinstall renn without --no-optional / --omit=optional.\n'
          : `renn publishes no native build for this platform; the packages are: ${supported.join(', ')}.\n`),
    )
    process.exit(1)
  }
  const bin = path.join(dir, exe)
  if (!existsSync(bin)) {
    process.stderr.write(`renn: ${pkg} has no ${exe} (looked for ${bin}).\n`)
    process.exit(1)
  }
  return bin
}

function main() {
  const child = spawn(binaryPath(), process.argv.slice(2), { stdio: 'inherit' })
  // A terminal's Ctrl-C (SIGINT) reaches renn directly (same process group): the launcher
  // only waits for renn to stop its agents. SIGTERM and SIGHUP sent to the launcher are
  // passed on to renn.
  process.on('SIGINT', () => {})
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig))
  child.on('error', (e) => {
    process.stderr.write(`renn: could not start ${e.path || 'the renn binary'}: ${e.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal) {
      // End of the same signal, so a parent sees what a shell would (143 after SIGTERM).
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
      return
    }
    process.exit(code === null ? 1 : code)
  })
}

// Required rather than run (the artifact tests): where the binary is, without running it.
if (require.main === module) main()
else module.exports = { binaryPath, platformPackage }

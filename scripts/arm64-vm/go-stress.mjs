// The amd64 Go program the machine runs under the action's QEMU (scenario 08), built on the host
// from __tests__/vm/programs/go-stress with Debian's golang-go (GOOS=linux GOARCH=amd64
// CGO_ENABLED=0, standard library only, so nothing is fetched) and run here natively once: its
// output on this x86_64 host is what the emulated run must print, byte for byte.
//
// amd64 Go packs heap pointers assuming user addresses below 2^47; a QEMU that hands an x86_64
// program memory above that (9.0 and later without -R, on an arm64 host with 48-bit addresses)
// makes the runtime abort with `fatal error: lfstack.push` at its first collections.
//
// Cached in .cache/arm64-vm/go-stress/ under a key of the sources and the Go version: a changed
// source (or toolchain) builds again, an unchanged one is reused.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// (fixtures.mjs imports this module: its paths are not imported back, which would be a cycle)
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const GO_STRESS_SOURCE = join(projectRoot, '__tests__', 'vm', 'programs', 'go-stress')
const GO_STRESS_CACHE = join(projectRoot, '.cache', 'arm64-vm', 'go-stress')
/** What the scenario runs (the program's own defaults: about 2000 goroutines, a few collections' worth of garbage). */
export const GO_STRESS_ARGS = []

function goVersion() {
  return execFileSync('go', ['version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()
}

/** sha256 over the source folder's files (names and bytes, in name order). */
function sourceDigest(dir = GO_STRESS_SOURCE) {
  const hash = createHash('sha256')
  for (const name of readdirSync(dir).sort()) {
    hash.update(`${name}\0`)
    hash.update(readFileSync(join(dir, name)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/**
 * The program and its native output: { binary, expected, key, go } from the cache, built and run
 * when the key is new; { error } when it cannot be (no Go toolchain, a build error, a host that
 * is not x86_64 and so cannot give the native output).
 */
export function ensureGoStress({ refresh = false } = {}) {
  if (process.arch !== 'x64') return { error: `go-stress: the native output needs an x86_64 host (this is ${process.arch})` }
  let go
  try {
    go = goVersion()
  } catch (error) {
    return { error: `go-stress: no Go toolchain (install Debian's golang-go): ${error.message.split('\n')[0]}` }
  }
  const key = createHash('sha256')
    .update(`${go}\n${sourceDigest()}\n${GO_STRESS_ARGS.join(' ')}`)
    .digest('hex')
    .slice(0, 16)
  const dir = join(GO_STRESS_CACHE, key)
  const described = { key, go, binary: join(dir, 'go-stress'), expectedPath: join(dir, 'expected.txt') }
  if (!refresh && existsSync(described.binary) && existsSync(described.expectedPath)) {
    return { ...described, expected: readFileSync(described.expectedPath, 'utf8') }
  }

  const work = `${dir}.build`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  const env = {
    ...process.env,
    GOOS: 'linux',
    GOARCH: 'amd64',
    CGO_ENABLED: '0',
    // the standard library only: nothing to download, and no module proxy asked
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    GOCACHE: join(GO_STRESS_CACHE, 'gocache'),
    GOPATH: join(GO_STRESS_CACHE, 'gopath')
  }
  try {
    const options = { cwd: GO_STRESS_SOURCE, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
    execFileSync('go', ['build', '-trimpath', '-o', join(work, 'go-stress'), '.'], options)
  } catch (error) {
    return { error: `go-stress: go build failed:\n${`${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || error.message}` }
  }
  let expected
  try {
    const options = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }
    expected = execFileSync(join(work, 'go-stress'), GO_STRESS_ARGS, options)
  } catch (error) {
    return { error: `go-stress: the native run failed: ${error.message.split('\n')[0]}` }
  }
  writeFileSync(join(work, 'expected.txt'), expected)
  rmSync(dir, { recursive: true, force: true })
  renameSync(work, dir)
  return { ...described, expected }
}

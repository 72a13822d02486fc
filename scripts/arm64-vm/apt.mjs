// apt for the VM's fixtures: one foreign architecture at a time, with its own lists and cache under
// .cache/arm64-vm/apt/<arch>/ over the machine's own sources, so the machine's apt state is never
// touched; `apt-get download` fetches single packages (no dependencies) into a folder.
// fixtures.mjs (the machine itself) and corpus.mjs (the foreign programs) share it.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const aptState = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), '.cache', 'arm64-vm', 'apt')

/** apt with one foreign architecture and its own state: nothing of the machine's apt setup changes. */
export function apt(arch, args, options = {}) {
  const state = join(aptState, arch)
  mkdirSync(join(state, 'lists', 'partial'), { recursive: true })
  mkdirSync(join(state, 'cache', 'archives', 'partial'), { recursive: true })
  const config = [
    `APT::Architecture=${arch}`,
    `APT::Architectures=${arch}`,
    `Dir::State::Lists=${join(state, 'lists')}`,
    `Dir::Cache=${join(state, 'cache')}`,
    // downloads land in a root-owned folder; the _apt sandbox user could not write there
    'APT::Sandbox::User=root'
  ].flatMap(c => ['-o', c])
  return execFileSync(args[0], [...config, ...args.slice(1)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options })
}

export function aptUpdate(arch) {
  try {
    apt(arch, ['apt-get', '-q', 'update'])
  } catch (error) {
    // A mirror mid-sync fails one index and apt exits 1 while keeping the others; the download
    // below says clearly whether what is needed is there.
    process.stderr.write(`apt-get update (${arch}) reported errors; continuing with the indexes it got:\n${error.stderr ?? error}\n`)
  }
}

/** The packages (names, or name=version) as .deb files in a fresh `into`; their paths. */
export function download(arch, packages, into) {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  apt(arch, ['apt-get', '-q', 'download', ...packages], { cwd: into })
  return readdirSync(into)
    .filter(f => f.endsWith('.deb'))
    .map(f => join(into, f))
}

/** download, reading the lists again once when they are older than the archive (a superseded version is gone). */
export function downloadFresh(arch, packages, into) {
  try {
    return download(arch, packages, into)
  } catch {
    aptUpdate(arch)
    return download(arch, packages, into)
  }
}

export function debField(deb, field) {
  return execFileSync('dpkg-deb', ['-f', deb, field], { encoding: 'utf8' }).trim()
}

/** Unpacks the .debs into a fresh `into` (dpkg-deb -x, one after the other). */
export function extract(debs, into) {
  rmSync(into, { recursive: true, force: true })
  mkdirSync(into, { recursive: true })
  for (const deb of debs) execFileSync('dpkg-deb', ['-x', deb, into])
}

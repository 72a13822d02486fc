// Debian 13's own QEMU for the emulated arm64 machine (scenarios 09 and 10): trixie's qemu-user for
// arm64, which is itself static there and installs /usr/bin/qemu-<target>: what `install: auto`
// finds on a Debian 13 runner. A QEMU 10, so it hands x86_64 programs the 48-bit addresses of the
// machine's kernel (the case the action's QEMU_GUEST_BASE export is for).
//
// The .deb comes through package-qemu --fetch-only: the machine's own apt sources moved to trixie
// (its Debian mirror and keyring, no host named here), the suite's signed indexes, the .deb checked
// against its index entry. Only qemu-x86_64 and qemu-i386 are kept, in
// .cache/arm64-vm/debian13-qemu/ with a stamp: an existing copy is reused without asking the archive.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { debField, extract } from './apt.mjs'

// (fixtures.mjs imports this module: its paths are not imported back, which would be a cycle)
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const CACHE = join(projectRoot, '.cache', 'arm64-vm', 'debian13-qemu')
const PACKAGE_QEMU = join(projectRoot, 'scripts', 'package-qemu.mjs')
/** Bump when what is kept, or how, changes. */
const SPEC = 1
const SUITE = 'trixie'
const PACKAGE = 'qemu-user'
export const DEBIAN13_TARGETS = ['x86_64', 'i386']

function sha256(data) {
  return createHash('sha256').update(data).digest('hex')
}

/** Does an ELF file name a program interpreter (PT_INTERP)? A static program has none. */
export function hasInterpreter(elf) {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not a 64-bit little-endian ELF file')
  const phoff = Number(elf.readBigUInt64LE(32))
  const size = elf.readUInt16LE(54)
  const count = elf.readUInt16LE(56)
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(phoff + i * size) === 3) return true
  return false
}

/** "1:10.0.13+ds-0+deb13u1" -> "10.0.13", what `qemu-x86_64 --version` says. */
export function upstreamOf(debVersion) {
  return debVersion.replace(/^\d+:/, '').replace(/[+~-].*$/, '')
}

/** The .deb package-qemu --fetch-only fetched and checked: `fetched <name> into <dir> in N s`. */
function fetchDeb() {
  const args = [PACKAGE_QEMU, SUITE, '--hosts', 'arm64', '--package', PACKAGE, '--fetch-only']
  let said
  try {
    said = execFileSync(process.execPath, args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    const out = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n').slice(-6).join('\n')
    throw new Error(`node scripts/package-qemu.mjs ${args.slice(1).join(' ')} failed:\n${out || error.message}`, { cause: error })
  }
  const fetched = /^fetched (\S+\.deb) into (.+) in [\d.]+ s$/m.exec(said)
  if (!fetched) throw new Error(`package-qemu named no .deb it fetched:\n${said.trim()}`)
  return join(fetched[2], fetched[1])
}

/**
 * { suite, package, version, qemu, debSha256, dir, files: [{ target, sha256, size }] } with
 * dir/qemu-<target> for DEBIAN13_TARGETS, fetched when missing (or `refresh`); { error } when they
 * cannot be had (no trixie in reach of the machine's sources, a package that is not static).
 */
export function ensureDebian13Qemu({ refresh = false } = {}) {
  const stamp = join(CACHE, 'manifest.json')
  if (!refresh && existsSync(stamp)) {
    const known = JSON.parse(readFileSync(stamp, 'utf8'))
    if (known.spec === SPEC && known.files.every(f => existsSync(join(known.dir, `qemu-${f.target}`)))) return known
  }
  const work = `${CACHE}.build`
  rmSync(work, { recursive: true, force: true })
  mkdirSync(work, { recursive: true })
  try {
    const deb = fetchDeb()
    const fields = Object.fromEntries(['Package', 'Version', 'Architecture'].map(f => [f, debField(deb, f)]))
    if (fields.Package !== PACKAGE || fields.Architecture !== 'arm64')
      throw new Error(`${deb} is ${fields.Package} for ${fields.Architecture}`)
    const qemu = upstreamOf(fields.Version)
    if (Number(qemu.split('.')[0]) < 9) throw new Error(`Debian ${SUITE}'s ${PACKAGE} is QEMU ${qemu}; the scenarios need 9.0 or later`)
    const unpacked = join(work, 'unpacked')
    extract([deb], unpacked)
    const files = DEBIAN13_TARGETS.map(target => {
      const from = join(unpacked, 'usr', 'bin', `qemu-${target}`)
      if (!existsSync(from)) throw new Error(`${PACKAGE} ${fields.Version} (arm64) has no usr/bin/qemu-${target}`)
      const bytes = readFileSync(from)
      if (hasInterpreter(bytes)) throw new Error(`${PACKAGE} ${fields.Version} (arm64): usr/bin/qemu-${target} is dynamically linked`)
      copyFileSync(from, join(work, `qemu-${target}`))
      execFileSync('chmod', ['755', join(work, `qemu-${target}`)])
      return { target, sha256: sha256(bytes), size: bytes.length }
    })
    rmSync(unpacked, { recursive: true, force: true })
    const described = {
      spec: SPEC,
      suite: SUITE,
      package: PACKAGE,
      version: fields.Version,
      qemu,
      debSha256: sha256(readFileSync(deb)),
      dir: CACHE,
      files
    }
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(described, null, 2) + '\n')
    rmSync(CACHE, { recursive: true, force: true })
    renameSync(work, CACHE)
    return described
  } catch (error) {
    rmSync(work, { recursive: true, force: true })
    return { error: `Debian 13's qemu-user: ${error.message}` }
  }
}

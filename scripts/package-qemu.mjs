#!/usr/bin/env node
// Packages the action's own QEMU assets from Debian's signed archive: one static interpreter per
// file, `qemu-<target>-linux-<host>.xz`, about 2 MB each, reproducible by anyone with apt.
//
//   npm run package-qemu -- <debian-version-or-suite> [options]      (13, 13.2, trixie, bookworm, ...)
//   npm run package-qemu -- --rebuild <release-id>                     (the manifest's release, exactly)
//
// For each host architecture (HOSTS below) it fetches Debian's qemu-user package (Debian 13 and
// later, where it is static) or qemu-user-static (Debian 12 and older) with `apt-get download` and
// a foreign architecture. apt runs on private state under --cache-dir (lists, cache, a generated
// sources list, no preferences), so the machine's apt setup is read, never changed. The sources are
// the machine's own (/etc/apt/sources.list and sources.list.d): the same URIs and Signed-By
// keyrings, with the machine's suite (bookworm, bookworm-updates, bookworm-security) swapped for the
// requested one (trixie, trixie-updates, trixie-security). No mirror is named anywhere here.
//
// Trust: `apt-get update` verifies each suite's InRelease signature with the configured keyring
// and the Packages index against it; the .deb's sha256 and size are then checked here against that
// index entry (and its control fields against the entry). Each wanted usr/bin/qemu-<target> is
// read out of the package, checked to be a statically linked ELF program for the host, and
// compressed with fixed settings (XZ_ARGS; XZ_OPT/XZ_DEFAULTS are cleared): the same package gives
// the same bytes. A round trip through `xz -dc` must give the binary back.
//
// Output (default .cache/qemu-assets/<tag>/): the .xz files, SHA256SUMS, release.json (the manifest
// release). --manifest writes the release into src/install/manifest.json (--default: as the default
// release); --verify-manifest instead fails unless the files are the ones the manifest pins (what
// the release workflow runs before it uploads anything).
//
// Options:
//   --hosts amd64,arm64,armhf     host architectures, Debian or Docker names (default: all of HOSTS)
//   --targets aarch64,riscv64     only these targets (each host keeps those of its row in HOSTS)
//   --out DIR                     where the files go (default .cache/qemu-assets/<tag>)
//   --cache-dir DIR               apt state and downloaded .debs, reused (default .cache/qemu-debian)
//   --package NAME                the Debian package (default by release, see packageFor)
//   --deb-version VERSION         that exact package version, for every host (default: the suite's candidate)
//   --manifest                    add or update the release in the manifest
//   --manifest-file PATH          the manifest to update or verify (default src/install/manifest.json)
//   --default                     with --manifest: make the release the default
//   --fallback ID                 the release tried when these assets are missing (default: the
//                                 manifest's first release not published by the action)
//   --verify-manifest             fail unless every file matches the manifest's entry for it
//   --rebuild ID                  suite, package versions, hosts and targets from the manifest's
//                                 release ID; implies --verify-manifest
//   --allow-missing-index         go on when apt-get update could not fetch some indexes (a mirror
//                                 mid-sync); the candidate may then be older than the newest
//   --jobs N                      parallel extractions/compressions (default: the CPU count)
//   --fetch-only                  stop once the .debs are downloaded and verified (CI warm-up)
//   --apt-etc DIR                 read the sources from DIR instead of /etc/apt (tests)
//
// Needs apt-get, apt-cache, dpkg-deb, tar and xz (xz-utils). Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MANIFEST_PATH = join(ROOT, 'src', 'install', 'manifest.json')
export const DEFAULT_CACHE_DIR = join(ROOT, '.cache', 'qemu-debian')
export const DEFAULT_OUT_ROOT = join(ROOT, '.cache', 'qemu-assets')

/** Fixed compression: the same input gives the same bytes (single-threaded, no timestamps in .xz). */
export const XZ_ARGS = ['-9', '--check=crc64', '-T1']

/** Debian release numbers and their codenames. */
export const DEBIAN_RELEASES = { 10: 'buster', 11: 'bullseye', 12: 'bookworm', 13: 'trixie', 14: 'forky', 15: 'duke' }

/** Suites that have no -updates/-security companions. */
const ROLLING = new Set(['sid', 'unstable', 'experimental'])

/** ELF e_machine numbers (for the host check and the target bits). */
const EM = { x86_64: 62, i386: 3, aarch64: 183, arm: 40, riscv64: 243, ppc64le: 21, s390x: 22, mips64el: 8, loongarch64: 258 }

/** Guest word size of each target: QEMU 10 builds no 64-bit guests on 32-bit hosts. */
export const TARGET_BITS = { x86_64: 64, i386: 32, aarch64: 64, arm: 32, riscv64: 64, ppc64le: 64, s390x: 64, mips64el: 64, loongarch64: 64 }

/**
 * The hosts assets are made for, keyed by the action's host name (Docker style, what the manifest's
 * `host` says and the file name ends with): Debian's architecture, the ELF identity of programs that
 * run there, and the targets packaged for it. The host's own family is never a target (it runs
 * natively); arm64 and armhf hosts get the x86 targets this action exists for.
 */
export const HOSTS = {
  amd64: { deb: 'amd64', elf: { machine: EM.x86_64, bits: 64 }, targets: ['aarch64', 'arm', 'riscv64', 'ppc64le', 's390x', 'mips64el', 'loongarch64'] },
  arm64: { deb: 'arm64', elf: { machine: EM.aarch64, bits: 64 }, targets: ['x86_64', 'i386'] },
  arm: { deb: 'armhf', elf: { machine: EM.arm, bits: 32 }, targets: ['i386', 'x86_64'] }
}

// ---------------------------------------------------------------------------------------------
// Pure parts

/** "13", "13.2", "trixie", "Trixie" -> { codename: 'trixie', number: 13 }; "stable" -> { codename: 'stable' }. */
export function suiteFor(arg) {
  const value = String(arg ?? '').trim().toLowerCase()
  const numeric = /^(\d+)(\.\d+)*$/.exec(value)
  if (numeric) {
    const codename = DEBIAN_RELEASES[Number(numeric[1])]
    if (!codename) throw new Error(`Debian ${value} is not a release this script knows (${Object.entries(DEBIAN_RELEASES).map(([n, c]) => `${n} ${c}`).join(', ')}); give its codename`)
    return { codename, number: Number(numeric[1]) }
  }
  if (!/^[a-z][a-z0-9]*$/.test(value)) throw new Error(`${JSON.stringify(arg)} is neither a Debian version (13) nor a suite codename (trixie)`)
  const number = Object.entries(DEBIAN_RELEASES).find(([, c]) => c === value)?.[0]
  return number ? { codename: value, number: Number(number) } : { codename: value }
}

/** Debian 13 made qemu-user itself static; before that the static build was qemu-user-static. */
export function packageFor(suite) {
  return suite.number !== undefined && suite.number <= 12 ? 'qemu-user-static' : 'qemu-user'
}

/** Where a package keeps the interpreter for a target (tar member, without the leading ./). */
export function memberFor(pkg, target) {
  return pkg === 'qemu-user-static' ? `usr/bin/qemu-${target}-static` : `usr/bin/qemu-${target}`
}

/** The action's host name for a Debian or Docker architecture name: armhf -> arm. */
export function hostName(name) {
  const n = String(name).trim().toLowerCase()
  if (HOSTS[n]) return n
  const found = Object.entries(HOSTS).find(([, h]) => h.deb === n)
  if (found) return found[0]
  if (n === 'x86_64') return 'amd64'
  if (n === 'aarch64') return 'arm64'
  throw new Error(`unknown host architecture ${name} (known: ${Object.entries(HOSTS).map(([k, h]) => (k === h.deb ? k : `${k}/${h.deb}`)).join(', ')})`)
}

/** The file name of an asset. */
export function assetName(target, host) {
  return `qemu-${target}-linux-${host}.xz`
}

/**
 * The targets to package for a host: its row of HOSTS, without 64-bit guests on a 32-bit host
 * from QEMU 10 on, narrowed to `only` when given.
 */
export function targetsFor(host, qemuMajor, only) {
  const row = HOSTS[host]
  let targets = row.targets.filter(t => !(row.elf.bits === 32 && TARGET_BITS[t] === 64 && qemuMajor >= 10))
  if (only) targets = targets.filter(t => only.includes(t))
  return targets
}

/** "1:10.0.13+ds-0+deb13u1" -> { epoch: '1', upstream: '10.0.13+ds', revision: '0+deb13u1' } */
export function parseDebVersion(version) {
  const m = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/.exec(String(version).trim())
  if (!m) throw new Error(`${JSON.stringify(version)} is not a Debian version`)
  return { epoch: m[1] ?? '0', upstream: m[2], revision: m[3] ?? '' }
}

/** The QEMU version a Debian version packages: "1:10.0.13+ds-0+deb13u1" -> "10.0.13", "1:7.2+dfsg-7" -> "7.2". */
export function upstreamQemu(version) {
  const m = /^\d+\.\d+(\.\d+)?/.exec(parseDebVersion(version).upstream)
  if (!m) throw new Error(`Debian version ${version} names no QEMU version`)
  return m[0]
}

/** The version a QEMU binary reports, read from its bytes ("10.0.13 (Debian 1:10.0.13+ds-0+deb13u1)"). */
export function qemuVersionIn(bytes, debVersion) {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('latin1') : String(bytes)
  const seen = []
  for (const m of text.matchAll(/(\d+\.\d+\.\d+) \(Debian ([0-9][A-Za-z0-9.+~:-]*)\)/g)) seen.push({ qemu: m[1], debian: m[2] })
  return (seen.find(s => s.debian === debVersion) ?? seen[0])?.qemu
}

/** The ELF identity of a file's first bytes (64 KiB holds every linker's program headers). */
export function elfInfo(head) {
  if (head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return undefined
  const bits = head[4] === 2 ? 64 : head[4] === 1 ? 32 : undefined
  const le = head[5] === 1
  if (!bits || (bits === 64 && head.length < 64)) return undefined
  const u16 = at => (le ? head.readUInt16LE(at) : head.readUInt16BE(at))
  const u32 = at => (le ? head.readUInt32LE(at) : head.readUInt32BE(at))
  const type = u16(16)
  const machine = u16(18)
  const phoff = bits === 64 ? Number(le ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(28)
  const phentsize = u16(bits === 64 ? 54 : 42)
  const phnum = u16(bits === 64 ? 56 : 44)
  if (phoff + phentsize * phnum > head.length) return { bits, le, type, machine, isStatic: undefined }
  let isStatic = true
  for (let i = 0; i < phnum; i++) if (u32(phoff + i * phentsize) === 3 /* PT_INTERP */) isStatic = false
  return { bits, le, type, machine, isStatic }
}

/** Why a file's head is not a static program for a host; undefined when it is one. */
export function binaryProblem(head, host) {
  const elf = elfInfo(head)
  if (!elf) return 'not an ELF file'
  const want = HOSTS[host].elf
  if (elf.machine !== want.machine || elf.bits !== want.bits || !elf.le) return `an ELF file for machine ${elf.machine} (${elf.bits}-bit), not for a ${host} host`
  if (elf.type !== 2 && elf.type !== 3) return `ELF type ${elf.type} is not a program`
  if (elf.isStatic === undefined) return 'its program headers are not where they can be read'
  if (!elf.isStatic) return 'dynamically linked (a PT_INTERP program header): binfmt_misc with F needs a static interpreter'
  return undefined
}

/** Fields of one apt-cache show / Packages stanza. */
export function parseStanza(text) {
  const fields = {}
  let last
  for (const line of String(text).split('\n')) {
    if (/^[ \t]/.test(line)) {
      if (last) fields[last] += `\n${line.trim()}`
      continue
    }
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line)
    if (m) {
      last = m[1]
      fields[last] = m[2].trim()
    }
  }
  return fields
}

/** deb822 .sources text -> stanzas (field names lower-cased); comments skipped, continuation lines kept. */
export function parseDeb822(text) {
  const stanzas = []
  let current
  let last
  for (const raw of String(text).split('\n')) {
    const line = raw.replace(/\r$/, '')
    if (line.startsWith('#')) continue
    if (line.trim() === '') {
      if (current) stanzas.push(current)
      current = undefined
      last = undefined
      continue
    }
    if (/^[ \t]/.test(line)) {
      if (current && last) current[last] += `\n${line.trim() === '.' ? '' : line.trim()}`
      continue
    }
    const m = /^([^:\s]+):[ \t]*(.*)$/.exec(line)
    if (!m) throw new Error(`not a deb822 line: ${line}`)
    current ??= {}
    last = m[1].toLowerCase()
    current[last] = m[2].trim()
  }
  if (current) stanzas.push(current)
  return stanzas
}

/**
 * The `deb` sources of a sources.list (one-line) or .sources (deb822) text:
 * [{ uri, suite, components, signedBy }]. Disabled stanzas, deb-src and flat repositories are left
 * out; options other than signed-by (arch=, trusted=, ...) are dropped: trust comes from the keyring.
 */
export function parseSources(text, format) {
  const out = []
  if (format === 'deb822') {
    for (const s of parseDeb822(text)) {
      if ((s.enabled ?? 'yes').toLowerCase() === 'no') continue
      if (!(s.types ?? '').split(/\s+/).includes('deb')) continue
      const components = (s.components ?? '').split(/\s+/).filter(Boolean)
      for (const uri of (s.uris ?? '').split(/\s+/).filter(Boolean)) {
        for (const suite of (s.suites ?? '').split(/\s+/).filter(Boolean)) {
          if (suite.endsWith('/')) continue
          out.push({ uri, suite, components, signedBy: s['signed-by'] || undefined })
        }
      }
    }
    return out
  }
  for (const raw of String(text).split('\n')) {
    const line = raw.replace(/#.*$/, '').trim()
    if (!line) continue
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line)
    if (!m || m[1] !== 'deb' || m[4].endsWith('/')) continue
    const options = Object.fromEntries(
      (m[2] ?? '')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(o => {
          const i = o.indexOf('=')
          return i < 0 ? [o.toLowerCase(), ''] : [o.slice(0, i).toLowerCase(), o.slice(i + 1)]
        })
    )
    out.push({ uri: m[3], suite: m[4], components: m[5].split(/\s+/).filter(Boolean), signedBy: options['signed-by'] || undefined })
  }
  return out
}

/** The codename of the machine's suites: VERSION_CODENAME of os-release, else the most common base suite. */
export function machineCodename(osRelease, sources) {
  const m = /^VERSION_CODENAME=["']?([a-z]+)["']?\s*$/m.exec(osRelease ?? '')
  if (m) return m[1]
  const counts = new Map()
  for (const s of sources) {
    const base = s.suite.split('-')[0]
    counts.set(base, (counts.get(base) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0]
}

/** Is a Signed-By value a keyring of Debian's archive (or inline, or unset: apt's trusted keys)? */
function debianKeyring(signedBy) {
  if (!signedBy || signedBy.includes('\n') || signedBy.includes('BEGIN PGP')) return true
  return signedBy.split(/[\s,]+/).every(path => /^debian-archive-/.test(basename(path)))
}

/**
 * The machine's Debian sources with its suites swapped for another release's: the base suite and
 * its -updates and -security companions, component main (where qemu is), the same URIs and
 * Signed-By. Sources of other vendors (another keyring, no main component) are left out.
 */
export function deriveSources(sources, from, to) {
  const pattern = new RegExp(`^${from.replace(/[^a-z0-9]/g, '')}(-(updates|security))?$`)
  const seen = new Set()
  const out = []
  for (const s of sources) {
    const m = pattern.exec(s.suite)
    if (!m || !s.components.includes('main') || !debianKeyring(s.signedBy)) continue
    if (m[1] && ROLLING.has(to)) continue
    const suite = `${to}${m[1] ?? ''}`
    const key = `${s.uri.replace(/\/+$/, '')} ${suite}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ uri: s.uri, suite, components: ['main'], signedBy: s.signedBy })
  }
  return out
}

/** One-line sources.list text for derived sources; inline keys are referenced by the paths given. */
export function renderSources(sources, keyFiles = new Map()) {
  return (
    sources
      .map(s => {
        const key = s.signedBy ? (keyFiles.get(s.signedBy) ?? s.signedBy) : undefined
        if (key && /\s/.test(key.trim())) throw new Error(`Signed-By ${JSON.stringify(key.slice(0, 40))} must be written to a file first`)
        return `deb ${key ? `[signed-by=${key.trim()}] ` : ''}${s.uri} ${s.suite} ${s.components.join(' ')}`
      })
      .join('\n') + '\n'
  )
}

/** The apt options that keep apt on private state, one architecture, signed indexes only. */
export function aptOptions({ arch, lists, cache, sourceList, emptyDir, preferences, sandboxRoot }) {
  const options = [
    `APT::Architecture=${arch}`,
    `APT::Architectures=${arch}`,
    `Dir::State::Lists=${lists}`,
    `Dir::Cache=${cache}`,
    `Dir::Etc::SourceList=${sourceList}`,
    `Dir::Etc::SourceParts=${emptyDir}`,
    // the machine's pins and default release do not choose the version
    `Dir::Etc::Preferences=${preferences}`,
    `Dir::Etc::PreferencesParts=${emptyDir}`,
    'APT::Default-Release=',
    'Acquire::AllowInsecureRepositories=false',
    'Acquire::AllowDowngradeToInsecureRepositories=false',
    'APT::Get::AllowUnauthenticated=false',
    'Acquire::Languages=none',
    'Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false'
  ]
  // As root apt downloads as _apt, which cannot write to a root-owned private cache.
  if (sandboxRoot) options.push('APT::Sandbox::User=root')
  return options.flatMap(o => ['-o', o])
}

/** The manifest release for built assets. */
export function releaseOf({ qemu, suite, pkg, versions, debs, assets, fallback, xzVersion }) {
  const release = {
    id: qemu,
    qemu,
    source: 'action',
    tag: `qemu-v${qemu}`,
    ...(fallback ? { fallback } : {}),
    debian: {
      suite,
      package: pkg,
      versions: Object.fromEntries(Object.keys(versions).sort(hostOrder).map(h => [h, versions[h]])),
      compression: `xz ${XZ_ARGS.join(' ')}${xzVersion ? ` (XZ Utils ${xzVersion})` : ''}`
    },
    assets: [...assets].sort(assetOrder).map(a => ({
      host: a.host,
      target: a.target,
      file: assetName(a.target, a.host),
      format: 'xz',
      sha256: a.sha256,
      size: a.size,
      digestSource: `debian: computed by npm run package-qemu from Debian's signed package ${pkg} ${versions[a.host]} (${HOSTS[a.host].deb}, ${suite}; .deb sha256 ${debs[a.host]}), its ${memberFor(pkg, a.target)} compressed with xz ${XZ_ARGS.join(' ')}`
    }))
  }
  return release
}

function hostOrder(a, b) {
  const order = Object.keys(HOSTS)
  return order.indexOf(a) - order.indexOf(b)
}

function assetOrder(a, b) {
  const targets = Object.keys(TARGET_BITS)
  return hostOrder(a.host, b.host) || targets.indexOf(a.target) - targets.indexOf(b.target)
}

/**
 * The manifest with a release added: a release with the same id and tag keeps its assets for
 * host/target pairs not rebuilt now (a run for a subset of hosts adds to it); the action's own
 * releases stay in front, newest first, then the others as they were.
 */
export function mergeRelease(manifest, release, { setDefault = false } = {}) {
  const old = (manifest.releases ?? []).find(r => r.id === release.id)
  let merged = release
  if (old && old.tag === release.tag && old.source === release.source) {
    const key = a => `${a.host}/${a.target ?? ''}`
    const fresh = new Set(release.assets.map(key))
    const kept = (old.assets ?? []).filter(a => !fresh.has(key(a)))
    const keptHosts = new Set(kept.map(a => a.host))
    const versions = { ...(old.debian?.versions ?? {}), ...release.debian.versions }
    for (const h of Object.keys(versions)) if (!keptHosts.has(h) && !(h in release.debian.versions)) delete versions[h]
    merged = {
      ...release,
      debian: { ...release.debian, versions: Object.fromEntries(Object.keys(versions).sort(hostOrder).map(h => [h, versions[h]])) },
      assets: [...kept, ...release.assets].sort(assetOrder)
    }
  }
  const others = (manifest.releases ?? []).filter(r => r.id !== release.id)
  const own = [...others.filter(r => r.source === 'action'), merged].sort((a, b) => compareVersions(b.id, a.id))
  const releases = [...own, ...others.filter(r => r.source !== 'action')]
  const next = { ...manifest, releases }
  if (setDefault || !manifest.default) next.default = release.id
  return next
}

function compareVersions(a, b) {
  const pa = String(a).split(/[.-]/).map(Number)
  const pb = String(b).split(/[.-]/).map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1)
    if (d) return d
  }
  return 0
}

/** Differences between built assets and the manifest's release of the same id; [] when they match. */
export function compareWithManifest(manifest, release) {
  const pinned = (manifest.releases ?? []).find(r => r.id === release.id)
  if (!pinned) return [`the manifest has no release ${release.id}: run with --manifest first, commit, then publish`]
  const problems = []
  if (pinned.tag !== release.tag) problems.push(`release ${release.id}: the manifest's tag is ${pinned.tag}, not ${release.tag}`)
  for (const a of release.assets) {
    const p = pinned.assets.find(x => x.host === a.host && x.target === a.target)
    if (!p) problems.push(`${a.file}: not in the manifest's release ${release.id}`)
    else if (p.file !== a.file) problems.push(`${a.file}: the manifest names it ${p.file}`)
    else if (p.sha256 !== a.sha256 || p.size !== a.size) {
      problems.push(`${a.file}: built sha256 ${a.sha256} (${a.size} bytes), the manifest pins ${p.sha256} (${p.size} bytes)`)
    }
  }
  return problems
}

/** sha256sum-style lines, sorted by file name. */
export function sha256sums(assets) {
  return [...assets]
    .map(a => `${a.sha256}  ${assetName(a.target, a.host)}`)
    .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1))
    .join('\n') + '\n'
}

const USAGE = 'usage: npm run package-qemu -- <debian-version-or-suite> [--hosts amd64,arm64,armhf] [--targets t1,t2] [--out DIR] [--cache-dir DIR] [--package NAME] [--deb-version V] [--manifest] [--manifest-file PATH] [--default] [--fallback ID] [--verify-manifest] [--allow-missing-index] [--jobs N] [--fetch-only] [--apt-etc DIR]\n       npm run package-qemu -- --rebuild <release-id>'

export function parseArgs(argv) {
  const args = { suite: undefined, hosts: undefined, targets: undefined, out: undefined, cacheDir: DEFAULT_CACHE_DIR, package: undefined, debVersion: undefined, manifest: false, manifestFile: MANIFEST_PATH, setDefault: false, fallback: undefined, verify: false, rebuild: undefined, allowMissingIndex: false, jobs: undefined, fetchOnly: false, aptEtc: '/etc/apt' }
  const list = v => String(v).split(',').map(s => s.trim()).filter(Boolean)
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]
    let value
    const eq = a.indexOf('=')
    if (a.startsWith('--') && eq > 0) {
      value = a.slice(eq + 1)
      a = a.slice(0, eq)
    }
    const next = () => {
      if (value !== undefined) return value
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value\n${USAGE}`)
      return argv[++i]
    }
    switch (a) {
      case '--hosts': args.hosts = [...new Set(list(next()).map(hostName))]; break
      case '--targets': args.targets = list(next()); break
      case '--out': args.out = resolve(next()); break
      case '--cache-dir': args.cacheDir = resolve(next()); break
      case '--package': args.package = next(); break
      case '--deb-version': args.debVersion = next(); break
      case '--manifest': args.manifest = true; break
      case '--manifest-file': args.manifestFile = resolve(next()); break
      case '--default': args.setDefault = true; break
      case '--fallback': args.fallback = next(); break
      case '--verify-manifest': args.verify = true; break
      case '--rebuild': args.rebuild = next(); args.verify = true; break
      case '--allow-missing-index': args.allowMissingIndex = true; break
      case '--jobs': args.jobs = Number(next()); break
      case '--fetch-only': args.fetchOnly = true; break
      case '--apt-etc': args.aptEtc = resolve(next()); break
      case '-h':
      case '--help': throw new Error(USAGE)
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`)
        if (args.suite !== undefined) throw new Error(`unexpected argument ${a}\n${USAGE}`)
        args.suite = a
    }
  }
  if (args.rebuild === undefined && args.suite === undefined) throw new Error(USAGE)
  if (args.rebuild !== undefined && args.suite !== undefined) throw new Error(`--rebuild takes the suite from the manifest; leave out ${args.suite}`)
  if (args.fetchOnly && args.manifest) throw new Error('--fetch-only makes no files to write into the manifest')
  if (args.manifest && args.verify) throw new Error('--manifest writes the manifest, --verify-manifest/--rebuild check against it: pick one')
  if (args.setDefault && !args.manifest) throw new Error('--default goes with --manifest')
  if (args.targets) for (const t of args.targets) if (!(t in TARGET_BITS)) throw new Error(`unknown target ${t} (known: ${Object.keys(TARGET_BITS).join(', ')})`)
  if (args.package !== undefined && !/^[a-z0-9][a-z0-9+.-]+$/.test(args.package)) throw new Error(`--package ${args.package} is not a Debian package name`)
  if (args.debVersion !== undefined) parseDebVersion(args.debVersion)
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs > 0)) throw new Error('--jobs needs a positive whole number')
  return args
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Environment for the tools: C locale, no settings from the caller's XZ_OPT/XZ_DEFAULTS/TAR_OPTIONS. */
function toolEnv() {
  const env = { ...process.env, LC_ALL: 'C', LANGUAGE: '' }
  for (const k of ['XZ_OPT', 'XZ_DEFAULTS', 'TAR_OPTIONS', 'APT_CONFIG']) delete env[k]
  return env
}

function runSync(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: toolEnv(), maxBuffer: 256 * 1024 * 1024, ...options })
  if (r.error) throw new Error(`${command}: ${r.error.code === 'ENOENT' ? 'not installed (needs apt, dpkg, tar and xz-utils)' : r.error.message}`)
  return r
}

function mustSync(command, args, options = {}) {
  const r = runSync(command, args, options)
  if (r.status !== 0) throw new Error(`${command} ${args.filter(a => !a.startsWith('Dir::') && a !== '-o').join(' ')} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || r.stdout).trim()}`)
  return r.stdout
}

function wait(child, name) {
  return new Promise((resolvePromise, reject) => {
    let stderr = ''
    child.stderr?.on('data', d => (stderr += d))
    child.on('error', err => reject(new Error(`${name}: ${err.code === 'ENOENT' ? 'not installed' : err.message}`)))
    child.on('close', (code, signal) => resolvePromise({ code, signal, stderr }))
  })
}

async function sha256File(path) {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk)
  return hash.digest('hex')
}

/** Runs async jobs with at most `limit` at a time. */
function limiter(limit) {
  let active = 0
  const queue = []
  const next = () => {
    if (active >= limit || queue.length === 0) return
    active++
    const { fn, res, rej } = queue.shift()
    fn()
      .then(res, rej)
      .finally(() => {
        active--
        next()
      })
  }
  return fn =>
    new Promise((res, rej) => {
      queue.push({ fn, res, rej })
      next()
    })
}

/** One holder at a time per cache folder (apt's own lock would fail a second caller at once). */
async function withLock(dir, fn) {
  const lock = join(dir, '.lock')
  await mkdir(dir, { recursive: true })
  const started = Date.now()
  for (;;) {
    try {
      await mkdir(lock)
      await writeFile(join(lock, 'pid'), String(process.pid))
      break
    } catch (err) {
      if (err.code !== 'EEXIST') throw err
      const pid = Number(await readFile(join(lock, 'pid'), 'utf8').catch(() => '0'))
      let alive = pid > 0
      try {
        if (alive) process.kill(pid, 0)
      } catch {
        alive = false
      }
      if (!alive && (pid > 0 || Date.now() - started > 5000)) {
        await rm(lock, { recursive: true, force: true })
        continue
      }
      if (Date.now() - started > 15 * 60_000) throw new Error(`${lock} is held by process ${pid}; waited 15 minutes`)
      await new Promise(r => setTimeout(r, 500))
    }
  }
  try {
    return await fn()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// apt

/** The machine's apt sources (sources.list, sources.list.d/*.list and *.sources) and codename. */
export function machineSources(etc = '/etc/apt', osReleasePath = '/etc/os-release') {
  const sources = []
  const add = (path, format) => {
    try {
      sources.push(...parseSources(readFileSync(path, 'utf8'), format))
    } catch (err) {
      if (err.code !== 'ENOENT') throw new Error(`${path}: ${err.message}`)
    }
  }
  add(join(etc, 'sources.list'), 'one-line')
  const parts = join(etc, 'sources.list.d')
  const names = existsSync(parts) ? readdirSync(parts).sort() : []
  for (const name of names) {
    if (name.endsWith('.list')) add(join(parts, name), 'one-line')
    else if (name.endsWith('.sources')) add(join(parts, name), 'deb822')
  }
  let osRelease = ''
  try {
    osRelease = readFileSync(osReleasePath, 'utf8')
  } catch {}
  return { sources, codename: machineCodename(osRelease, sources) }
}

/** Writes the private apt configuration for a suite; returns what aptOptions needs but the arch. */
async function prepareApt(cacheDir, suite, log, aptEtc = '/etc/apt') {
  const { sources, codename } = machineSources(aptEtc)
  if (!codename) throw new Error('cannot tell the machine\'s Debian suite (no VERSION_CODENAME in /etc/os-release, no apt sources)')
  const derived = deriveSources(sources, codename, suite)
  if (derived.length === 0) {
    throw new Error(`the machine's apt sources have no Debian suite ${codename} (component main) to derive ${suite} from; this script uses the machine's own Debian mirror and keyring`)
  }
  const base = join(cacheDir, 'apt')
  const emptyDir = join(base, 'empty.d')
  await mkdir(emptyDir, { recursive: true })
  const preferences = join(base, 'preferences')
  await writeFile(preferences, '')
  const keyFiles = new Map()
  for (const s of derived) {
    if (s.signedBy && /\s/.test(s.signedBy.trim()) && !keyFiles.has(s.signedBy)) {
      const path = join(base, `inline-key-${keyFiles.size + 1}.asc`)
      await writeFile(path, `${s.signedBy.trim()}\n`)
      keyFiles.set(s.signedBy, path)
    }
  }
  const sourceList = join(base, `${suite}.list`)
  await writeFile(sourceList, renderSources(derived, keyFiles))
  log(`apt sources: the machine's ${codename} suites as ${derived.map(s => s.suite).filter((v, i, a) => a.indexOf(v) === i).join(', ')} (${derived.length} entr${derived.length === 1 ? 'y' : 'ies'}, same URIs and keyrings)`)
  return { base, emptyDir, preferences, sourceList, codename }
}

function aptFor(apt, suite, arch) {
  const state = join(apt.base, `${suite}-${arch}`)
  const options = aptOptions({
    arch,
    lists: join(state, 'lists'),
    cache: join(state, 'cache'),
    sourceList: apt.sourceList,
    emptyDir: apt.emptyDir,
    preferences: apt.preferences,
    sandboxRoot: process.getuid?.() === 0
  })
  return { state, options }
}

async function aptUpdate(apt, suite, arch, allowMissingIndex, log) {
  const { state, options } = aptFor(apt, suite, arch)
  await mkdir(join(state, 'lists', 'partial'), { recursive: true })
  await mkdir(join(state, 'cache', 'archives', 'partial'), { recursive: true })
  let r
  for (let attempt = 1; attempt <= 2; attempt++) {
    r = runSync('apt-get', [...options, '-q', 'update'])
    if (r.status === 0 && !/^E: /m.test(r.stderr)) {
      const warnings = r.stderr.split('\n').filter(l => l.startsWith('W: '))
      if (warnings.length) log(`apt-get update (${arch}): ${warnings.join('; ')}`)
      return
    }
    if (attempt === 1) await new Promise(res => setTimeout(res, 2000))
  }
  const problems = (r.stderr || r.stdout).trim()
  const unsigned = /NO_PUBKEY|not signed|EXPKEYSIG|BADSIG|The following signatures|is not signed|InRelease.*(invalid|couldn't be verified)/i.test(problems)
  if (r.status !== 0 && (unsigned || !allowMissingIndex)) {
    throw new Error(
      `apt-get update for ${suite} (${arch}) failed:\n${problems}\n` +
        (unsigned ? "the suite's InRelease could not be verified with the configured keyring (a newer debian-archive-keyring may be needed)" : 'rerun with --allow-missing-index to go on with the indexes apt verified (the candidate may then be older than the newest)')
    )
  }
  log(`warning: apt-get update for ${suite} (${arch}) reported problems; going on with the indexes apt verified:\n${problems}`)
}

/** The Packages entry of the package to use: the candidate, or the exact version asked for. */
function packageRecord(apt, suite, arch, pkg, version) {
  const { options } = aptFor(apt, suite, arch)
  const r = runSync('apt-cache', [...options, 'show', '--no-all-versions', version ? `${pkg}:${arch}=${version}` : `${pkg}:${arch}`])
  const record = parseStanza((r.stdout ?? '').split(/\n\n/)[0])
  if (r.status !== 0 || !record.Version) {
    throw new Error(`Debian ${suite} has no ${pkg}${version ? ` ${version}` : ''} for ${arch} in the indexes apt verified${version ? ' (a superseded version leaves the archive; rebuild it from the version the suite has now)' : ''}:\n${(r.stderr || '').trim()}`)
  }
  if (record.Package !== pkg || record.Architecture !== arch) throw new Error(`apt-cache show ${pkg}:${arch} gave ${record.Package} for ${record.Architecture}`)
  if (!/^[0-9a-f]{64}$/.test(record.SHA256 ?? '') || !/^\d+$/.test(record.Size ?? '')) throw new Error(`the index entry of ${pkg} ${record.Version} (${arch}) has no SHA256/Size`)
  return record
}

/** The .deb of an index entry, downloaded once into debs/ and checked against the entry every time. */
async function fetchDeb(apt, suite, arch, record, cacheDir, log) {
  const debs = join(cacheDir, 'debs')
  await mkdir(debs, { recursive: true })
  const path = join(debs, basename(record.Filename ?? `${record.Package}_${record.Version.replace(/^\d+:/, '')}_${arch}.deb`))
  const check = async file => {
    const s = await stat(file)
    if (s.size !== Number(record.Size)) return `${s.size} bytes, the index says ${record.Size}`
    const sha = await sha256File(file)
    if (sha !== record.SHA256) return `sha256 ${sha}, the index says ${record.SHA256}`
    return undefined
  }
  if (existsSync(path)) {
    const problem = await check(path)
    if (!problem) {
      log(`${basename(path)}: cached, sha256 matches the signed index`)
      return path
    }
    log(`${basename(path)}: cached copy does not match the index (${problem}); downloading again`)
    await rm(path, { force: true })
  }
  const { options } = aptFor(apt, suite, arch)
  const temp = join(debs, `.download-${process.pid}-${arch}`)
  await rm(temp, { recursive: true, force: true })
  await mkdir(temp, { recursive: true })
  try {
    const started = Date.now()
    mustSync('apt-get', [...options, '-q', 'download', `${record.Package}:${arch}=${record.Version}`], { cwd: temp })
    const files = readdirSync(temp).filter(f => f.endsWith('.deb'))
    if (files.length !== 1) throw new Error(`apt-get download left ${files.length} .deb files`)
    const problem = await check(join(temp, files[0]))
    if (problem) throw new Error(`the downloaded ${files[0]} does not match Debian's signed index: ${problem}`)
    await rename(join(temp, files[0]), path)
    log(`${basename(path)}: downloaded ${(Number(record.Size) / 1048576).toFixed(1)} MiB in ${((Date.now() - started) / 1000).toFixed(1)} s, sha256 matches the signed index`)
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
  const control = parseStanza(mustSync('dpkg-deb', ['-f', path, 'Package', 'Version', 'Architecture']))
  if (control.Package !== record.Package || control.Version !== record.Version || control.Architecture !== record.Architecture) {
    throw new Error(`${path}: its control file says ${control.Package} ${control.Version} ${control.Architecture}, the index ${record.Package} ${record.Version} ${record.Architecture}`)
  }
  return path
}

// ---------------------------------------------------------------------------------------------
// Extraction and compression

/** Reads the members out of a .deb (dpkg-deb | tar); returns the paths of those found. */
async function extractMembers(deb, members, dir) {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  const dpkg = spawn('dpkg-deb', ['--fsys-tarfile', deb], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  const tar = spawn('tar', ['-x', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions', '--', ...members.map(m => `./${m}`)], { env: toolEnv(), stdio: ['pipe', 'ignore', 'pipe'] })
  dpkg.stdout.pipe(tar.stdin)
  tar.stdin.on('error', () => undefined)
  const [d, t] = await Promise.all([wait(dpkg, 'dpkg-deb'), wait(tar, 'tar')])
  const missing = new Set([...t.stderr.matchAll(/^tar: \.\/(\S+): Not found in archive$/gm)].map(m => m[1]))
  const otherTarErrors = t.stderr.split('\n').filter(l => l && !/Not found in archive|Exiting with failure status due to previous errors/.test(l))
  if (d.code !== 0) throw new Error(`dpkg-deb --fsys-tarfile ${deb} failed: ${d.stderr.trim()}`)
  if ((t.code !== 0 && missing.size === 0) || otherTarErrors.length) throw new Error(`tar failed reading ${deb}: ${t.stderr.trim()}`)
  const found = new Map()
  for (const m of members) {
    if (missing.has(m)) continue
    found.set(m, join(dir, m))
  }
  return found
}

async function head(path, bytes = 65536) {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

/** xz with XZ_ARGS into `dest` (whole, by rename); returns its sha256 and size after a round trip. */
async function compress(source, dest, sourceSha256) {
  const temp = `${dest}.${process.pid}.tmp`
  try {
    const xz = spawn('xz', [...XZ_ARGS, '--stdout', '--', source], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    const out = createWriteStream(temp, { mode: 0o644 })
    const hash = createHash('sha256')
    let size = 0
    xz.stdout.on('data', chunk => {
      hash.update(chunk)
      size += chunk.length
    })
    xz.stdout.pipe(out)
    const [r] = await Promise.all([wait(xz, 'xz'), finished(out)])
    if (r.code !== 0) throw new Error(`xz ${XZ_ARGS.join(' ')} ${source} failed: ${r.stderr.trim()}`)
    const sha256 = hash.digest('hex')
    // Round trip: what the action will decompress is this binary.
    const back = spawn('xz', ['-dc', '--', temp], { env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    const backHash = createHash('sha256')
    back.stdout.on('data', chunk => backHash.update(chunk))
    const b = await wait(back, 'xz -dc')
    if (b.code !== 0 || backHash.digest('hex') !== sourceSha256) throw new Error(`${temp} does not decompress to ${source}`)
    await rename(temp, dest)
    return { sha256, size }
  } finally {
    await rm(temp, { force: true })
  }
}

function xzVersion() {
  const r = runSync('xz', ['--version'])
  return /xz \(XZ Utils\) (\S+)/.exec(r.stdout ?? '')?.[1]
}

// ---------------------------------------------------------------------------------------------
// Main

/** What a --rebuild run takes from the manifest's release. */
export function rebuildPlan(manifest, id) {
  const release = (manifest.releases ?? []).find(r => r.id === id || r.tag === id)
  if (!release) throw new Error(`the manifest has no release ${id}`)
  if (release.source !== 'action' || !release.debian?.suite || !release.debian?.package || !release.debian?.versions) {
    throw new Error(`release ${release.id} was not made by this script (no debian provenance)`)
  }
  const hosts = [...new Set(release.assets.map(a => a.host))]
  const versions = release.debian.versions
  for (const h of hosts) if (!versions[h]) throw new Error(`release ${release.id} records no Debian version for host ${h}`)
  return {
    suite: release.debian.suite,
    package: release.debian.package,
    hosts,
    targets: Object.fromEntries(hosts.map(h => [h, release.assets.filter(a => a.host === h).map(a => a.target)])),
    versions,
    fallback: release.fallback
  }
}

export async function packageQemu(args, log = m => console.log(m)) {
  const started = Date.now()
  const manifestText = existsSync(args.manifestFile) ? await readFile(args.manifestFile, 'utf8') : undefined
  const manifest = manifestText ? JSON.parse(manifestText) : undefined
  const rebuild = args.rebuild !== undefined ? rebuildPlan(manifest ?? { releases: [] }, args.rebuild) : undefined
  const suite = suiteFor(rebuild ? rebuild.suite : args.suite)
  const pkg = rebuild?.package ?? args.package ?? packageFor(suite)
  const hosts = rebuild?.hosts ?? args.hosts ?? Object.keys(HOSTS)
  const explicitTargets = Boolean(rebuild || args.targets)
  const jobs = args.jobs ?? Math.max(1, cpus().length)
  const limit = limiter(jobs)

  const apt = await prepareApt(args.cacheDir, suite.codename, log, args.aptEtc)

  // apt: indexes, the package entry per host, the .deb (one holder of the cache at a time)
  const picked = await withLock(args.cacheDir, async () => {
    const out = {}
    for (const host of hosts) {
      const arch = HOSTS[host].deb
      const t0 = Date.now()
      await aptUpdate(apt, suite.codename, arch, args.allowMissingIndex, log)
      const version = rebuild?.versions[host] ?? args.debVersion
      const record = packageRecord(apt, suite.codename, arch, pkg, version)
      log(`${host}: ${pkg} ${record.Version} (${arch}) from Debian ${suite.codename}; indexes verified in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      out[host] = { record, deb: await fetchDeb(apt, suite.codename, arch, record, args.cacheDir, log) }
    }
    return out
  })

  if (args.fetchOnly) {
    log(`fetched ${hosts.map(h => `${basename(picked[h].deb)}`).join(', ')} into ${join(args.cacheDir, 'debs')} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return { picked }
  }

  // One QEMU version for the release: every host's package from the same upstream version.
  const upstreams = new Set(hosts.map(h => upstreamQemu(picked[h].record.Version)))
  if (upstreams.size > 1) {
    throw new Error(`the hosts' packages are of different QEMU versions (${hosts.map(h => `${h} ${picked[h].record.Version}`).join(', ')}); a mirror may be mid-sync, or give --deb-version`)
  }
  const major = Number([...upstreams][0].split('.')[0])

  const plan = hosts.map(host => {
    const wanted = rebuild ? rebuild.targets[host] : targetsFor(host, major, args.targets)
    return { host, targets: wanted }
  })
  if (args.targets) {
    for (const t of args.targets) {
      if (!plan.some(p => p.targets.includes(t))) throw new Error(`no host of ${hosts.join(', ')} packages target ${t} (see HOSTS in scripts/package-qemu.mjs${TARGET_BITS[t] === 64 && major >= 10 ? '; QEMU 10 builds no 64-bit guests on 32-bit hosts' : ''})`)
    }
  }
  for (const p of plan) if (p.targets.length === 0) throw new Error(`nothing to package for the ${p.host} host with targets ${args.targets?.join(',')}`)

  // Extract and check every binary, then compress (CPU-bound: `jobs` at a time).
  const work = join(args.cacheDir, 'work', `${process.pid}`)
  const binaries = []
  try {
    await Promise.all(
      plan.map(({ host, targets }) =>
        limit(async () => {
          const t0 = Date.now()
          const { record, deb } = picked[host]
          const members = targets.map(t => memberFor(pkg, t))
          const found = await extractMembers(deb, members, join(work, host))
          for (const target of targets) {
            const member = memberFor(pkg, target)
            const path = found.get(member)
            if (!path) {
              const why = HOSTS[host].elf.bits === 32 && TARGET_BITS[target] === 64 ? ' (QEMU 10 builds no 64-bit guests on 32-bit hosts)' : ''
              if (explicitTargets) throw new Error(`${pkg} ${record.Version} (${record.Architecture}) has no ${member}${why}`)
              log(`${host}: ${pkg} ${record.Version} has no ${member}${why}; left out`)
              continue
            }
            const s = await stat(path).catch(() => undefined)
            if (!s?.isFile()) throw new Error(`${member} in ${basename(deb)} is not a regular file (a link?): not packaged`)
            const problem = binaryProblem(await head(path), host)
            if (problem) throw new Error(`${member} in ${basename(deb)} is ${problem}`)
            const bytes = await readFile(path)
            const qemu = qemuVersionIn(bytes, record.Version) ?? upstreamQemu(record.Version)
            binaries.push({ host, target, path, qemu, rawSha256: createHash('sha256').update(bytes).digest('hex'), rawSize: bytes.length })
          }
          log(`${host}: read ${targets.length} binar${targets.length === 1 ? 'y' : 'ies'} out of ${basename(deb)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
        })
      )
    )
    const qemus = new Set(binaries.map(b => b.qemu))
    if (qemus.size !== 1) throw new Error(`the binaries report different QEMU versions: ${[...qemus].join(', ')}`)
    const qemu = [...qemus][0]
    const tag = `qemu-v${qemu}`
    const out = args.out ?? join(DEFAULT_OUT_ROOT, tag)
    await mkdir(out, { recursive: true })

    const assets = await Promise.all(
      binaries.map(b =>
        limit(async () => {
          const t0 = Date.now()
          const file = join(out, assetName(b.target, b.host))
          const { sha256, size } = await compress(b.path, file, b.rawSha256)
          log(`${assetName(b.target, b.host)}: ${(b.rawSize / 1048576).toFixed(1)} MiB -> ${(size / 1048576).toFixed(2)} MiB (${size} bytes) in ${((Date.now() - t0) / 1000).toFixed(1)} s, sha256 ${sha256}`)
          return { host: b.host, target: b.target, sha256, size, path: file }
        })
      )
    )

    const fallback = rebuild ? rebuild.fallback : args.fallback ?? manifest?.releases?.find(r => r.source !== 'action')?.id
    if (fallback && manifest && !manifest.releases.some(r => r.id === fallback)) throw new Error(`--fallback ${fallback} is not a release of ${args.manifestFile}`)
    const release = releaseOf({
      qemu,
      suite: suite.codename,
      pkg,
      versions: Object.fromEntries(hosts.map(h => [h, picked[h].record.Version])),
      debs: Object.fromEntries(hosts.map(h => [h, picked[h].record.SHA256])),
      assets,
      fallback,
      xzVersion: xzVersion()
    })
    await writeFile(join(out, 'SHA256SUMS'), sha256sums(assets))
    await writeFile(join(out, 'release.json'), `${JSON.stringify(release, null, 2)}\n`)

    if (args.verify) {
      const problems = compareWithManifest(manifest ?? { releases: [] }, release)
      if (problems.length) throw new Error(`the files differ from what ${args.manifestFile} pins:\n  ${problems.join('\n  ')}`)
      log(`every file matches ${basename(args.manifestFile)}'s release ${release.id}`)
    }
    if (args.manifest) {
      const next = mergeRelease(manifest ?? { default: '', releases: [] }, release, { setDefault: args.setDefault })
      await writeFile(args.manifestFile, `${JSON.stringify(next, null, 2)}\n`)
      log(`wrote release ${release.id} to ${args.manifestFile}${next.default === release.id ? ' (the default)' : ''}`)
    }
    log(`${assets.length} file${assets.length === 1 ? '' : 's'} in ${out} (tag ${tag}) in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return { release, out, assets, tag }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

export async function main(argv = process.argv.slice(2)) {
  const args = parseArgs(argv)
  await packageQemu(args)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(err => {
    console.error(`package-qemu: ${err.message}`)
    process.exitCode = 1
  })
}

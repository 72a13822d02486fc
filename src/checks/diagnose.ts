/**
 * Turns the error messages users meet when running foreign programs into what to do about them.
 * diagnose() takes any text (a step's log, a container's standard error) and returns the first
 * failure it recognises: the line that shows it, the likely cause, and the input or step that fixes
 * it. The action's inputs named here: `platforms`, `install` (auto|apt|download|none), `flags`
 * (default F), `verify` (auto|probe|container|none), `verify-image`, `qemu-version`, `cleanup`,
 * `libraries` (packages for a sysroot, `base` for the C and C++ runtime) and `sysroot`.
 */
import { BASE_PACKAGES } from '../install/libraries/names.js'
import { PLATFORMS, type Platform } from '../kernel/platforms.js'

export type DiagnosisId =
  | 'binfmt-not-permitted'
  | 'missing-loader'
  | 'missing-library'
  | 'cpu-level'
  | 'illegal-instruction'
  | 'qemu-crash'
  | 'go-high-address'
  | 'exec-format'
  | 'interpreter-not-found'

export interface Diagnosis {
  id: DiagnosisId
  /** The line of the text that shows the failure, trimmed. */
  symptom: string
  /** What most likely caused it. */
  cause: string
  /** What to change: the action input or the workflow step that helps. */
  fix: string
}

/** What the caller knows about the emulator that ran the program, for more precise advice. */
export interface DiagnosisContext {
  /** The QEMU version serving the program's platform, e.g. '10.0.13'. */
  qemuVersion?: string
  /** The x86-64 level the emulated CPU offers (the action's `x86-64-level` output), e.g. 'x86-64-v3'. */
  x86Level?: string
}

/** The highest x86-64 level any QEMU release emulates: TCG has AVX2 (since 7.2), no AVX-512. */
export const MAX_EMULATED_LEVEL = 'x86-64-v3'

/** Why a program's CPU level is not there, and what to do: an old QEMU or CPU model, or v4, which no QEMU emulates. */
function levelAdvice(needed: string | undefined, context: DiagnosisContext): { cause: string; fix: string } {
  const offered = context.x86Level
  const beyondQemu = needed === 'x86-64-v4' || offered === MAX_EMULATED_LEVEL
  const offers = offered ? ` (the emulated CPU offers ${offered})` : ''
  if (beyondQemu) {
    return {
      cause:
        `the program needs ${needed ?? 'a higher x86-64 level than the emulated CPU has'}${offers}: ` +
        `no QEMU release emulates AVX-512 (x86-64-v4); ${MAX_EMULATED_LEVEL} (AVX2, QEMU 7.2 and later) is the most emulation gives`,
      fix:
        `build the program for ${MAX_EMULATED_LEVEL} or lower (e.g. -march=${MAX_EMULATED_LEVEL}, or a build that picks its code paths at run time), ` +
        "or run it on an x86 machine; the action's `x86-64-level` output shows the level the emulator provides"
    }
  }
  return {
    cause:
      `the program (its C library) needs ${needed ?? 'a newer x86-64 level'}${offers}: QEMU older than 7.2 ` +
      "(e.g. Ubuntu 22.04's 6.2) emulates an old CPU model by default, or QEMU_CPU selects an old model. Many current images need x86-64-v2; RHEL 10 / UBI 10 need v3.",
    fix:
      "use a newer QEMU: `qemu-version` 7.2 or later (with `install: download` when the distribution's QEMU is older), and leave QEMU_CPU unset " +
      "(or set it to max); the action's `x86-64-level` output shows the level the emulator provides"
  }
}

/** What finds a failure in a line: a regular expression, or several joined by inOrder or anyOf. */
interface LineMatcher {
  exec(line: string): RegExpExecArray | null
}

interface Rule {
  id: DiagnosisId
  /**
   * Tried on each line; the first matching line is the symptom. A container image writes the text,
   * so a rule must take time linear in the line whatever it holds: no quantified part may retry
   * text that another try already scanned.
   */
  match: LineMatcher
  /** Lines that look alike but are something else; tried on the whole line, so a plain phrase. */
  unless?: RegExp
  explain: (m: RegExpExecArray, context: DiagnosisContext) => { cause: string; fix: string }
}

/** Where `.` stops matching: a line's parts between these are matched on their own, as `.*` would. */
const DOT_BREAKS = /[\r\u2028\u2029]/

/**
 * What /a.*b/ finds (each part after the previous one's match, within one part of the line) in
 * linear time: the regular expression runs `.*` to the line's end again from every place `a`
 * matches, while the first place each part matches is the only one worth trying.
 */
function inOrder(...parts: RegExp[]): LineMatcher {
  // global, to search from lastIndex with the text before it still in view (for \b)
  const searches = parts.map(part => new RegExp(part.source, `${part.flags.replace('g', '')}g`))
  return {
    exec: line => {
      for (const segment of line.split(DOT_BREAKS)) {
        let m: RegExpExecArray | null = null
        let from = 0
        for (const search of searches) {
          search.lastIndex = from
          m = search.exec(segment)
          if (!m) break
          from = m.index + m[0].length
        }
        if (m) return m
      }
      return null
    }
  }
}

/** The first of `matchers` that matches. */
function anyOf(...matchers: LineMatcher[]): LineMatcher {
  return {
    exec: line => {
      for (const matcher of matchers) {
        const m = matcher.exec(line)
        if (m) return m
      }
      return null
    }
  }
}

/** The first QEMU release whose user-mode mmap hands a 64-bit guest the host kernel's own addresses. */
export const HIGH_ADDRESS_QEMU = '9.0'

/** The variable that moves a 48-bit host's addresses below 2^47 for QEMU (core/obtain.ts exports it). */
const GUEST_BASE = 'QEMU_GUEST_BASE=0x800000000000'

/** A version's numbers (major, minor, micro), missing ones 0; undefined when it starts with no number. */
function versionNumbers(version: string): number[] | undefined {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version)
  return m ? [m[1], m[2], m[3]].map(n => Number(n ?? 0)) : undefined
}

/** Is this QEMU version one that gives x86_64 programs memory above 2^47 on an arm64 host (HIGH_ADDRESS_QEMU or later)? */
export function givesHighAddresses(version: string): boolean {
  const given = versionNumbers(version)
  const first = versionNumbers(HIGH_ADDRESS_QEMU) as number[]
  if (!given) return false
  const differs = given.findIndex((n, i) => n !== first[i])
  return differs === -1 || given[differs] > first[differs]
}

/**
 * The platform a dynamic loader's path belongs to. A loader whose file name carries its
 * architecture (ld-linux-x86-64.so.2) is known in any folder (a Nix store's lib, say); the
 * generic names (ld-linux.so.2, ld64.so.1, ld.so.1) only in their own folder (lib64/ld.so.1),
 * as other architectures' loaders share them.
 */
function loaderPlatform(path: string): Platform | undefined {
  const file = path.slice(path.lastIndexOf('/') + 1)
  return (
    PLATFORMS.find(p => path.endsWith(`/${p.loader}`)) ?? PLATFORMS.find(p => file.startsWith('ld-linux-') && p.loader.endsWith(`/${file}`))
  )
}

/**
 * The Debian and Ubuntu package holding a library, for the libraries programs most often miss
 * (names that differ between releases, such as OpenSSL's libssl3 and libssl3t64, are left out).
 */
const LIBRARY_PACKAGES: Readonly<Record<string, string>> = {
  'libc.so.6': 'libc6',
  'libm.so.6': 'libc6',
  'libpthread.so.0': 'libc6',
  'libdl.so.2': 'libc6',
  'librt.so.1': 'libc6',
  'libresolv.so.2': 'libc6',
  'libgcc_s.so.1': 'libgcc-s1',
  'libstdc++.so.6': 'libstdc++6',
  'libz.so.1': 'zlib1g',
  'libselinux.so.1': 'libselinux1',
  'libpcre2-8.so.0': 'libpcre2-8-0',
  'libcrypt.so.1': 'libcrypt1',
  'libzstd.so.1': 'libzstd1',
  'liblzma.so.5': 'liblzma5',
  'libbz2.so.1.0': 'libbz2-1.0',
  'libffi.so.8': 'libffi8',
  'libexpat.so.1': 'libexpat1',
  'libuuid.so.1': 'libuuid1',
  'libtinfo.so.6': 'libtinfo6',
  'libacl.so.1': 'libacl1',
  'libattr.so.1': 'libattr1',
  'libcap.so.2': 'libcap2',
  'libgmp.so.10': 'libgmp10',
  'libatomic.so.1': 'libatomic1',
  'libgomp.so.1': 'libgomp1',
  'libsqlite3.so.0': 'libsqlite3-0'
}

/** What to add to `libraries` for a missing library file. */
function libraryFix(file: string): string {
  const pkg = LIBRARY_PACKAGES[file]
  if (pkg && BASE_PACKAGES.includes(pkg)) return `add \`libraries: base\` to the action's step (${pkg}, part of base, holds ${file})`
  if (pkg) return `add ${pkg} to the action's \`libraries\` (it holds ${file}), e.g. \`libraries: base, ${pkg}\``
  return (
    `add the package that holds ${file} to the action's \`libraries\` (\`dpkg -S ${file}\` on a machine of the program's platform, ` +
    'or apt-file search, names it)'
  )
}

const STATIC_QEMU =
  'a statically linked QEMU registered with the F flag: keep `flags: F` (the default) and let the action install QEMU ' +
  '(`install: download`, or `install: apt` where the distribution still has qemu-user-static)'

/** In order: the more specific messages first. */
const RULES: Rule[] = [
  {
    id: 'binfmt-not-permitted',
    match: anyOf(
      /cannot mount binfmt_misc/i,
      inOrder(/binfmt_misc\b/i, /\b(?:operation not permitted|permission denied|read-only file system)/i),
      inOrder(/(?:operation not permitted|permission denied|read-only file system)\b/i, /binfmt_misc/i)
    ),
    explain: () => ({
      cause:
        "the job cannot change the kernel's binfmt_misc table: it runs in an unprivileged or rootless container (a job `container:`, " +
        'rootless Docker or Podman) or without root. The table belongs to the whole machine, so only root on the host or a privileged container may register handlers.',
      fix:
        'run the action in a job on the runner itself (no `container:`), or give the job container `options: --privileged`; on a self-hosted runner, ' +
        'give the runner user passwordless sudo or register the handlers once on the host and use `install: none` with `verify: probe` in the job'
    })
  },
  {
    id: 'missing-loader',
    // the lookahead looks for /ld once per quoted path; [^']*\/ld[^']* retried the rest of the path from every /ld in it
    match: /Could not open '((?=[^']*\/ld)[^']*)'/i,
    explain: m => {
      const platform = loaderPlatform(m[1] ?? '')
      const of = platform ? ` ${platform.debian}` : ''
      const image = platform ? `a ${platform.docker} image` : "an image of the program's platform"
      const container = platform ? ` (\`docker run --platform ${platform.docker} ...\`)` : ''
      const multiarch = platform ? ` (libc6:${platform.debian})` : ''
      return {
        cause: `QEMU runs the program, but it is dynamically linked and its${of} dynamic loader ${m[1]} is not on this machine: outside a container there is no${of} C library to load.`,
        fix:
          `add \`libraries: base\` to the action's step (a sysroot of the distribution's${of} C runtime, exported as QEMU_LD_PREFIX for the later ` +
          `steps), or give \`sysroot\` a${of} root filesystem (e.g. from docker export of ${image}); or run the program in a container ` +
          `of its platform${container}, or install the${of} C library through multiarch${multiarch}; ` +
          'statically linked programs need none of this'
      }
    }
  },
  {
    id: 'missing-library',
    match: /error while loading shared libraries: ([^\s:]+): cannot open shared object file/,
    explain: m => ({
      cause:
        `the program's dynamic loader started, but a library it needs, ${m[1]}, is not there: a foreign program run outside a container takes ` +
        'its libraries from the sysroot QEMU_LD_PREFIX points to, which does not hold this one',
      fix: `${libraryFix(m[1])}; with your own \`sysroot\`, put the library in it`
    })
  },
  {
    id: 'cpu-level',
    match: /CPU does not support (x86-64-v\d)|CPU ISA level is lower than required/i,
    explain: (m, context) => levelAdvice(m[1], context)
  },
  {
    id: 'illegal-instruction',
    match: /uncaught target signal 4\b|Illegal instruction/i,
    explain: (_m, context) =>
      context.x86Level === MAX_EMULATED_LEVEL
        ? {
            cause:
              `the program used an instruction the emulated CPU does not have; it offers ${MAX_EMULATED_LEVEL}, the most any QEMU emulates, ` +
              'so the program was most likely built for x86-64-v4 (AVX-512) or uses another extension QEMU lacks',
            fix: `build it for ${MAX_EMULATED_LEVEL} or lower, or run it on an x86 machine`
          }
        : {
            cause:
              'the program used an instruction the emulated CPU does not have: QEMU is too old for it (AVX/AVX2 came to QEMU in 7.2), QEMU_CPU selects ' +
              'an old CPU model, or it needs AVX-512 (x86-64-v4), which no QEMU emulates.',
            fix:
              "use a newer QEMU through `qemu-version` (with `install: download` when the distribution's is older) and leave QEMU_CPU unset; " +
              `check the action's \`x86-64-level\` output against what the program was built for (${MAX_EMULATED_LEVEL} at most under emulation)`
          }
  },
  {
    id: 'qemu-crash',
    match: anyOf(/uncaught target signal 11\b/i, inOrder(/qemu/i, /:/, /Segmentation fault/i)),
    explain: () => ({
      cause:
        'the program crashed under emulation (SIGSEGV). When it runs fine natively this is a QEMU bug: some releases crash in particular programs ' +
        '(QEMU 9.2.0 crashed in emulated ldconfig, fixed in 9.2.2).',
      fix: 'try another QEMU release with `qemu-version` (and `install: download`), e.g. the newest one or the one before the release you have'
    })
  },
  {
    id: 'go-high-address',
    match: /lfstack\.push invalid packing|fatal error: lfstack\.push/,
    explain: (_m, { qemuVersion }) => ({
      cause:
        `an amd64 Go program was handed memory above the 47-bit address space an x86_64 program can have: QEMU ${qemuVersion ?? `${HIGH_ADDRESS_QEMU} or later`} passes ` +
        `the program's memory requests to this arm64 host's kernel, which answers with 48-bit addresses (QEMU ${HIGH_ADDRESS_QEMU} changed this; 7.2 and 8.x pick ` +
        "addresses below 2^47 themselves), and Go's runtime before Go 1.25.4 packs pointers assuming they fit in 47 bits.",
      fix:
        `set ${GUEST_BASE} in the program's environment (QEMU reads it like -B: the kernel's addresses [2^47, 2^48) become the program's [0, 2^47)). ` +
        `The action exports it for its later steps when a QEMU of ${HIGH_ADDRESS_QEMU} or later serves amd64 on such a host; a container needs it passed in: ` +
        `\`docker run -e ${GUEST_BASE} ...\`, or \`ENV ${GUEST_BASE}\` in its Dockerfile. Or use the QEMU 7.2 the action downloads by default ` +
        `(\`install: download\`, \`qemu-version\` empty) instead of the QEMU ${qemuVersion ?? 'found on the machine'}, or build the program with Go 1.25.4 ` +
        "or later; QEMU_RESERVED_VA does not help (x86_64's vsyscall page then cannot be placed)"
    })
  },
  {
    id: 'exec-format',
    match: /exec format error|cannot execute binary file/i,
    explain: () => ({
      cause:
        "no binfmt_misc handler is registered for the program's architecture, so the kernel cannot run it: the action did not run in this job, " +
        'did not register this platform, or its post step (`cleanup`) already removed the handler; a reboot or another job on the same machine can remove it too.',
      fix:
        "run the action before this step with the program's platform in `platforms` (e.g. `platforms: amd64`), keep `verify` at auto so a missing handler fails " +
        'the action itself, and run the program before the job ends (the post step removes what the action registered when `cleanup` is true)'
    })
  },
  {
    id: 'interpreter-not-found',
    // the path stops at the next `exec container process `: a try from each of them would scan the same text again, and
    // the last one before the message matches when an earlier one would have
    match:
      /exec user process caused:? "?no such file or directory|exec \S+: no such file or directory|exec container process [`'"]?(?:(?!exec container process )[^`'"\n])*[`'"]?: No such file or directory|failed to exec \S+: No such file or directory/i,
    unless: /executable file not found in \$PATH/i,
    explain: () => ({
      cause:
        'the kernel found a handler, but its interpreter is not there inside the container: the handler was registered without the F flag (so the path is looked up ' +
        "in the container, which has no QEMU), or with F but a dynamically linked QEMU whose libraries the container lacks (Ubuntu's qemu-user with qemu-user-binfmt). " +
        '(If the program itself is missing from the image, the image is at fault, not emulation.)',
      fix: `register ${STATIC_QEMU}, with the program's platform in \`platforms\``
    })
  }
]

/** Longest symptom kept: lines in logs can be huge. */
const MAX_SYMPTOM = 300

/**
 * How much of a long line's start and of its end the rules read: messages sit at the start (JSON
 * logs) or the end (prefixed logs), and bounded text keeps a hostile line cheap to match.
 */
const MAX_READ = 4096

/** The parts of a line the rules read. */
const readParts = (line: string): string[] => (line.length <= 2 * MAX_READ ? [line] : [line.slice(0, MAX_READ), line.slice(-MAX_READ)])

/** The match in the first of `parts` that has one. */
function execIn(matcher: LineMatcher, parts: string[]): RegExpExecArray | null {
  for (const part of parts) {
    const m = matcher.exec(part)
    if (m) return m
  }
  return null
}

/** The first failure `text` shows that has a known cause, or undefined. */
export function diagnose(text: string, context: DiagnosisContext = {}): Diagnosis | undefined {
  return diagnoseAll(text, context)[0]
}

/** Every known failure `text` shows, once each, in the order of the rules (the most specific first). */
export function diagnoseAll(text: string, context: DiagnosisContext = {}): Diagnosis[] {
  if (!text) return []
  const lines = text.split(/\r?\n/).map(line => ({ line, parts: readParts(line) }))
  const found: Diagnosis[] = []
  for (const rule of RULES) {
    for (const { line, parts } of lines) {
      const m = execIn(rule.match, parts)
      if (!m || rule.unless?.test(line)) continue
      const symptom = line.trim()
      found.push({
        id: rule.id,
        symptom: symptom.length > MAX_SYMPTOM ? `${symptom.slice(0, MAX_SYMPTOM)}...` : symptom,
        ...rule.explain(m, context)
      })
      break
    }
  }
  return found
}

/** A diagnosis as log lines. */
export function formatDiagnosis(d: Diagnosis): string {
  return `${d.symptom}\n  likely cause: ${d.cause}\n  what helps: ${d.fix}`
}

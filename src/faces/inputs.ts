/**
 * Every input, read and validated before anything changes. A bad value fails with one line that
 * names the input, what was wrong and what is accepted. Values are taken as typed, in printable
 * ASCII: nothing is case-folded or normalised from other characters (a ligature 'ﬀ' upper-cases
 * to 'FF', a full-width host name is mapped to ASCII by URL parsing), so what runs is what was
 * written. Only `sysroot`, a path of the machine's own, may hold other characters.
 */
import { BUILT_IN_IMAGE, validImageRef } from '../checks/image-ref.js'
import type { CheckRequest } from '../core/check-setup.js'
import type { SetupRequest } from '../core/context.js'
import type { LibrariesRequest } from '../core/sysroot.js'
import { LibrariesError, parseLibraries, parseMirror } from '../install/libraries/index.js'
import { PLATFORMS, lookupPlatform, type Platform } from '../kernel/platforms.js'

export const INSTALL_METHODS = ['auto', 'apt', 'download', 'none'] as const
export const VERIFY_MODES = ['auto', 'probe', 'container', 'none'] as const
export type InstallMethod = (typeof INSTALL_METHODS)[number]
export type VerifyMode = (typeof VERIFY_MODES)[number]

export interface Inputs {
  platforms: Platform[]
  install: InstallMethod
  /** binfmt flag letters, in the kernel's order (P, O, C, F). */
  flags: string
  verify: VerifyMode
  /** The image the container check runs (tag or digest); empty for the check's own probe image. */
  verifyImage: string
  cleanup: boolean
  /** Keep the entries across reboots (/etc/binfmt.d) and past the post step. */
  persist: boolean
  /** Empty: the pinned default. */
  qemuVersion: string
  qemuUrl: string
  qemuSha256: string
  /** Package names for a sysroot of the emulated platforms (`base` expanded); empty: none. */
  libraries: string[]
  /** Mirrors of the distribution's archive for `libraries`; empty: the machine's own sources. */
  librariesMirror: string[]
  /** A sysroot folder the user gives instead of `libraries`, as written; empty: none. */
  sysroot: string
}

export class InputError extends Error {
  constructor(input: string, problem: string, accepted: string) {
    super(`input '${input}': ${problem}; ${accepted}`)
  }
}

/** The libraries engine's own parse errors, which already read `input 'NAME': problem; fix`, as input errors. */
class LibrariesInputError extends InputError {
  constructor(error: LibrariesError) {
    super(error.input, '', '')
    this.message = error.message
  }
}

function asInput<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    throw error instanceof LibrariesError ? new LibrariesInputError(error) : error
  }
}

const MAX_LENGTH = 2048
/** Inputs that are lists, whose items may stand on lines of their own. */
const LISTS = ['platforms', 'libraries', 'libraries-mirror']
/** Inputs that may hold any character: paths on the machine. */
const ANY_TEXT = ['sysroot']
/** Printable ASCII, and the white space that separates list items. */
const PLAIN = /^[\x20-\x7e\t\r\n]*$/
const PLAIN_FIX = 'type the value in plain ASCII (no look-alike letters, ligatures or full-width forms)'

/** The first character of a value that is not plain ASCII, as U+XXXX; undefined when there is none. */
export function notAscii(value: string): string | undefined {
  if (PLAIN.test(value)) return undefined
  const char = [...value].find(c => !PLAIN.test(c)) as string
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`
}

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)
}

function oneOf<T extends string>(input: string, value: string, allowed: readonly T[]): T {
  const key = value.trim().toLowerCase()
  if ((allowed as readonly string[]).includes(key)) return key as T
  throw new InputError(input, `${shown(value)} is not accepted`, `use one of: ${allowed.join(', ')}`)
}

export function parsePlatforms(value: string): Platform[] {
  const names = value.split(/[\s,]+/).filter(Boolean)
  const known = PLATFORMS.map(p => p.aliases[0]).join(', ')
  if (names.length === 0) throw new InputError('platforms', 'no platform given', `use one or more of: ${known}`)
  const platforms: Platform[] = []
  for (const name of names) {
    const platform = lookupPlatform(name)
    if (!platform) {
      throw new InputError('platforms', `unknown platform ${shown(name)}`, `use one or more of: ${known} (Docker or QEMU names)`)
    }
    if (!platforms.includes(platform)) platforms.push(platform)
  }
  return platforms
}

export function parseFlags(value: string): { flags: string; warnings: string[] } {
  const letters = value.trim().toUpperCase()
  if (!/^[FPOC]*$/.test(letters)) {
    throw new InputError('flags', `${shown(value)} holds letters other than F, P, O, C`, 'use F (the default), optionally with P, O or C')
  }
  const warnings: string[] = []
  if (!letters.includes('F')) {
    warnings.push(
      "flags without F: the handler will not work inside containers or chroots (the kernel must find the interpreter's path there)"
    )
  }
  if (letters.includes('C')) {
    warnings.push(
      'flags with C: setuid foreign programs then run the interpreter with their credentials (root for setuid-root); Debian dropped C in 2025 for that risk'
    )
  } else if (letters.includes('O')) {
    warnings.push('flags with O: the interpreter gets an open file descriptor of the program, which also opens unreadable programs to it')
  }
  // The kernel lists flags in this order; keeping it makes entries compare equal.
  const flags = ['P', 'O', 'C', 'F'].filter(f => letters.includes(f) || (f === 'O' && letters.includes('C'))).join('')
  return { flags, warnings }
}

export function parseImage(value: string): string {
  const image = value.trim()
  if (image === '') return ''
  if (!validImageRef(image)) {
    throw new InputError(
      'verify-image',
      `${shown(value)} is not an image reference`,
      'use a name with an optional tag or digest, such as busybox:stable or ubuntu@sha256:<64 hex>'
    )
  }
  return image
}

export function parseBoolean(input: string, value: string): boolean {
  const key = value.trim().toLowerCase()
  if (key === 'true') return true
  if (key === 'false') return false
  throw new InputError(input, `${shown(value)} is not a boolean`, 'use true or false')
}

/** The `qemu-version` input: a release to install, or '' for the pinned default. */
export function parseQemuVersionInput(value: string): string {
  const version = value.trim()
  if (version === '' || version === 'default') return ''
  if (!/^\d{1,3}\.\d{1,3}(\.\d{1,3})?(-\d{1,6})?$/.test(version)) {
    throw new InputError(
      'qemu-version',
      `${shown(value)} is not a QEMU version`,
      'use a version such as 10.0.3, or leave it empty for the pinned default'
    )
  }
  return version
}

export function parseUrl(value: string, input = 'qemu-url'): string {
  const text = value.trim()
  if (text === '') return ''
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || /\s/.test(text) || url.username || url.password) {
    throw new InputError(
      input,
      `${shown(value)} is not an http(s) URL`,
      'use an http:// or https:// address of an archive or binary, without credentials'
    )
  }
  return url.href
}

/** Where the action's own QEMU builds are published: a repository's web address, without a trailing slash. */
export function parseAssetBase(value: string, input = 'asset-base'): string {
  return parseUrl(value, input).replace(/\/+$/, '')
}

export function parseSha256(value: string): string {
  const text = value
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
  if (text === '') return ''
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new InputError('qemu-sha256', `${shown(value)} is not a sha256 digest`, 'use 64 hex digits (optionally prefixed sha256:)')
  }
  return text
}

/** Reads every input through `get` (core.getInput or a map in tests); throws InputError. */
export function readInputs(get: (name: string) => string): { inputs: Inputs; warnings: string[] } {
  const raw = (name: string, fallback: string) => {
    const value = get(name) ?? ''
    if (value.length > MAX_LENGTH) throw new InputError(name, `${value.length} characters is too long`, `keep it under ${MAX_LENGTH}`)
    if (value.includes('\0')) throw new InputError(name, 'holds a NUL character', 'remove it')
    const odd = ANY_TEXT.includes(name) ? undefined : notAscii(value)
    if (odd) throw new InputError(name, `holds ${odd}, which is not printable ASCII`, PLAIN_FIX)
    if (!LISTS.includes(name) && /[\r\n]/.test(value.trim())) throw new InputError(name, 'spans several lines', 'give it on one line')
    return value.trim() === '' ? fallback : value
  }
  const { flags, warnings } = parseFlags(raw('flags', 'F'))
  const inputs: Inputs = {
    platforms: parsePlatforms(raw('platforms', 'amd64')),
    install: oneOf('install', raw('install', 'auto'), INSTALL_METHODS),
    flags,
    verify: oneOf('verify', raw('verify', 'auto'), VERIFY_MODES),
    verifyImage: parseImage(raw('verify-image', BUILT_IN_IMAGE)),
    cleanup: parseBoolean('cleanup', raw('cleanup', 'true')),
    persist: parseBoolean('persist', raw('persist', 'false')),
    qemuVersion: parseQemuVersionInput(raw('qemu-version', '')),
    qemuUrl: parseUrl(raw('qemu-url', '')),
    qemuSha256: parseSha256(raw('qemu-sha256', '')),
    libraries: asInput(() => parseLibraries(raw('libraries', ''))),
    librariesMirror: asInput(() => parseMirror(raw('libraries-mirror', ''))),
    sysroot: raw('sysroot', '').trim()
  }
  if (inputs.qemuUrl && !inputs.qemuSha256) {
    throw new InputError(
      'qemu-sha256',
      'is needed with qemu-url',
      'give the sha256 of the file at qemu-url, so it can be verified before it runs'
    )
  }
  if (inputs.sysroot && inputs.libraries.length) {
    const fix = 'give one of them: QEMU takes one prefix, made from libraries or your own sysroot'
    throw new InputError('sysroot', 'is given together with libraries', fix)
  }
  if (inputs.librariesMirror.length && !inputs.libraries.length) {
    warnings.push('libraries-mirror is used only with libraries, which is empty: it is ignored')
  }
  return { inputs, warnings }
}

/**
 * Whether a prefix this step would export meets one the job already has: QEMU takes one, so the
 * step fails with one line before anything changes. `existing` is the job's QEMU_LD_PREFIX.
 */
export function checkPrefixFree(inputs: Pick<Inputs, 'libraries' | 'sysroot'>, existing: string | undefined): void {
  if (!existing || (!inputs.libraries.length && !inputs.sysroot)) return
  throw new InputError(
    inputs.sysroot ? 'sysroot' : 'libraries',
    `the job already sets QEMU_LD_PREFIX (${shown(existing)}), and two prefixes cannot both apply`,
    `unset QEMU_LD_PREFIX in the job, or leave ${inputs.sysroot ? 'sysroot' : 'libraries'} empty`
  )
}

/** What setup is asked to do, from the inputs. */
export function setupRequestOf(inputs: Inputs): SetupRequest {
  return {
    platforms: inputs.platforms,
    flags: inputs.flags,
    install: { method: inputs.install, qemuVersion: inputs.qemuVersion, qemuUrl: inputs.qemuUrl, qemuSha256: inputs.qemuSha256 },
    prove: inputs.verify !== 'none',
    persist: inputs.persist
  }
}

export function checkRequestOf(inputs: Inputs): CheckRequest {
  return { mode: inputs.verify, image: inputs.verifyImage }
}

export function librariesRequestOf(inputs: Inputs): LibrariesRequest {
  return { packages: inputs.libraries, mirror: inputs.librariesMirror, sysroot: inputs.sysroot }
}

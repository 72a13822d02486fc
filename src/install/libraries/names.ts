/**
 * What the user asks for, checked before anything runs: package names of the distribution
 * (with the `base` shorthand for the C and C++ runtime), an optional mirror of its archive, and
 * the Debian architecture name of each QEMU target. A bad value fails with one line naming the
 * input and the fix, the same shape as every other input of the action.
 */
import { perTarget, type QemuTarget } from '../../kernel/platforms.js'

/** An error about one input: `input 'NAME': problem; fix`. */
export class LibrariesError extends Error {
  constructor(
    readonly input: 'libraries' | 'libraries-mirror' | 'sysroot',
    problem: string,
    fix: string
  ) {
    super(`input '${input}': ${problem}; ${fix}`)
    this.name = 'LibrariesError'
  }
}

/** `base`: what nearly every C or C++ program needs besides the loader (libc6 holds it). */
export const BASE_PACKAGES: readonly string[] = ['libc6', 'libgcc-s1', 'libstdc++6', 'zlib1g']

/** Debian Policy 5.6.1: lower case letters, digits, + - . ; at least two characters, starting alphanumeric. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/

const MAX_LENGTH = 4096
/** Far more than a program needs named (dependencies come along); bounds what apt is asked in one go. */
const MAX_NAMES = 200
const FEWER = 'name the packages the programs need (their dependencies come along)'

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value)
}

/** The `libraries` input: names separated by commas or white space, `base` expanded, each once, in order (at most 200). */
export function parseLibraries(value: string): string[] {
  if (value.length > MAX_LENGTH) {
    throw new LibrariesError('libraries', `the value is longer than ${MAX_LENGTH} characters`, FEWER)
  }
  const names: string[] = []
  for (const word of value.split(/[\s,]+/).filter(Boolean)) {
    if (word === 'base') {
      names.push(...BASE_PACKAGES)
    } else if (PACKAGE_NAME.test(word)) {
      names.push(word)
    } else {
      throw new LibrariesError(
        'libraries',
        `${shown(word)} is not a package name`,
        'use package names of the distribution (lower case letters, digits, + - .), such as libssl3, or base for the C and C++ runtime'
      )
    }
  }
  const unique = [...new Set(names)]
  if (unique.length > MAX_NAMES) {
    throw new LibrariesError('libraries', `${unique.length} packages named, more than ${MAX_NAMES}`, FEWER)
  }
  return unique
}

/**
 * The `libraries-mirror` input: the address of a mirror of the distribution's archive, and
 * optionally a second one for the `-security` suites (Debian keeps them on another archive).
 * Empty: the machine's own sources.
 */
export function parseMirror(value: string): string[] {
  const words = value.split(/[\s,]+/).filter(Boolean)
  const fix =
    "use the http(s):// or file:// address of a mirror of the distribution's archive, " +
    'optionally followed by one for the -security suites'
  if (words.length > 2) throw new LibrariesError('libraries-mirror', `${words.length} addresses given`, fix)
  return words.map(word => {
    let url: URL | undefined
    try {
      url = new URL(word)
    } catch {
      url = undefined
    }
    if (!url || !['http:', 'https:', 'file:'].includes(url.protocol)) {
      throw new LibrariesError('libraries-mirror', `${shown(word)} is not an address apt can fetch from`, fix)
    }
    if (url.username || url.password) {
      const login = "give apt the login in /etc/apt/auth.conf.d instead (apt's own place for it)"
      throw new LibrariesError('libraries-mirror', `${shown(url.origin)} carries credentials, which would show in logs`, login)
    }
    return word.replace(/\/+$/, '')
  })
}

/** Debian's architecture name of each QEMU target (what apt and the package file names say). */
export const DEBIAN_ARCHES = perTarget(p => p.debian)

/** The Debian architectures for the targets, each once, in the targets' order. */
export function debianArches(targets: readonly QemuTarget[]): string[] {
  return [...new Set(targets.map(target => DEBIAN_ARCHES[target]))]
}

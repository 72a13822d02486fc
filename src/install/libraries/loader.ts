/**
 * Whether a sysroot can start a dynamically linked program of a platform: it must hold the
 * platform's dynamic loader at the path programs name (PT_INTERP), as an ELF file of that
 * platform. Links are followed inside the root only: QEMU opens `<prefix>/lib/ld-...` through
 * the host's kernel, which takes an absolute link (or one climbing above the root) out to the
 * host's own files, so such a link is a problem to report, not a path to follow.
 */
import type { Stats } from 'node:fs'
import { lstat, readlink, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { readElf } from '../../kernel/elf.js'
import { perTarget, platformOfHeader, type QemuTarget } from '../../kernel/platforms.js'
import { LibrariesError } from './names.js'

/** Each platform's dynamic loader, as glibc programs name it, relative to the root. */
export const LOADERS = perTarget(p => p.loader)

/** Symbolic links followed before giving up, as the kernel's limit (ELOOP). */
const MAX_LINKS = 40

/**
 * Resolves a path inside root, following links the way a chroot would but refusing the ones
 * that leave it. The real path relative to root, or why there is none (with leaves set when a
 * link takes it out of root, rather than a part missing or a loop).
 */
export async function resolveInside(root: string, path: string): Promise<{ path: string } | { problem: string; leaves?: true }> {
  const pending = path.split('/')
  const done: string[] = []
  let links = 0
  while (pending.length) {
    const name = pending.shift() as string
    if (name === '' || name === '.') continue
    if (name === '..') {
      if (!done.length) return { problem: `${path} leads above the sysroot`, leaves: true }
      done.pop()
      continue
    }
    const here = [...done, name].join('/')
    let info
    try {
      info = await lstat(join(root, here))
    } catch {
      return { problem: `${path} is missing${here !== path ? ` (no ${here})` : ''}` }
    }
    if (!info.isSymbolicLink()) {
      done.push(name)
      continue
    }
    if (++links > MAX_LINKS) return { problem: `${path} goes through more than ${MAX_LINKS} links` }
    const target = await readlink(join(root, here))
    if (target.startsWith('/')) {
      return { problem: `${here} links to ${target}, outside the sysroot (QEMU follows links on the host's side)`, leaves: true }
    }
    pending.unshift(...target.split('/'))
  }
  return { path: done.join('/') }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isSocket()) return 'a socket'
  return 'a device node'
}

/** What keeps a sysroot from serving the targets' programs; undefined when nothing does. */
export async function sysrootProblem(dir: string, targets: readonly QemuTarget[], shownAs = dir): Promise<string | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return `${shownAs} is not a folder`
  } catch {
    return `${shownAs} does not exist`
  }
  for (const target of new Set(targets)) {
    const loader = LOADERS[target]
    const found = await resolveInside(dir, loader)
    if ('problem' in found) return `${shownAs} holds no dynamic loader for ${target}: ${found.problem}`
    // A FIFO there would block the read forever; a folder or device is no loader either.
    const info = await lstat(join(dir, found.path))
    if (!info.isFile()) return `${shownAs}/${loader} is not a regular file (it is ${kindOf(info)})`
    const elf = await readElf(join(dir, found.path), { followLinks: false })
    const platform = elf && platformOfHeader(elf.header)
    if (platform?.target !== target) {
      return `${shownAs}/${loader} is no loader for ${target} (${platform ? `it is for ${platform.target}` : 'not an ELF file'})`
    }
  }
  return undefined
}

/** Throws the sysroot's problem as one line about the input it came from (naming dir as shownAs). */
export async function checkSysroot(
  dir: string,
  targets: readonly QemuTarget[],
  input: 'sysroot' | 'libraries' = 'sysroot',
  shownAs = dir
): Promise<void> {
  const problem = await sysrootProblem(dir, targets, shownAs)
  if (!problem) return
  if (input === 'libraries') {
    const fix = 'add base (libc6 holds the loader) to libraries'
    throw new LibrariesError('libraries', `the packages made a sysroot without a loader: ${problem}`, fix)
  }
  throw new LibrariesError(
    'sysroot',
    problem,
    'give a root filesystem of the emulated platform (for example from docker export of an image for it) with relative links, ' +
      'or use libraries: base instead'
  )
}

/**
 * Which archive members serve which target: names are compared after normalizing the path (no
 * ./ or / prefixes, . and .. resolved), so an archive's own layout and link targets cannot steer
 * what is picked or where it is written.
 */
import { posix } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import { fileNameOf } from './format.js'

/** Archive paths compare without ./ or / prefixes and with . and .. resolved. */
export function normalizeMemberPath(path: string): string {
  const normal = posix.normalize(`/${path}`)
  return normal.replace(/^\/+/, '').replace(/\/+$/, '')
}

/** The target a member's base name says it serves: qemu-<t> or qemu-<t>-static. */
export function targetOfMember(path: string, targets: readonly QemuTarget[]): QemuTarget | undefined {
  const base = posix.basename(normalizeMemberPath(path))
  return targets.find(t => base === `qemu-${t}` || base === `qemu-${t}-static`)
}

/**
 * The target a single downloaded binary's file name says it is: qemu-<t>, qemu-<t>-static, or
 * the per-host asset name qemu-<t>-linux-<hostarch>, each optionally .gz/.xz/.zst/.br.
 */
export function targetOfBinaryName(urlOrName: string, targets: readonly QemuTarget[]): QemuTarget | undefined {
  const name = fileNameOf(urlOrName).replace(/\.(gz|xz|zst|br)$/i, '')
  return targets.find(
    t => name === `qemu-${t}` || name === `qemu-${t}-static` || new RegExp(`^qemu-${t}(-static)?-linux-[a-z0-9_-]+$`).test(name)
  )
}

/** Where a symbolic or hard link inside an archive points, as a normalized archive path. */
export function resolveLink(memberPath: string, linkname: string, kind: 'symlink' | 'hardlink'): string {
  if (kind === 'hardlink' || linkname.startsWith('/')) return normalizeMemberPath(linkname)
  return normalizeMemberPath(posix.join(posix.dirname(normalizeMemberPath(memberPath)), linkname))
}

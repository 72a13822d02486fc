/**
 * From .deb files to a sysroot a dynamic loader can use: each package is unpacked with
 * `dpkg-deb -x` into a folder of its own, and only its library trees (lib*, usr/lib*) move into
 * the root, in the merged-/usr layout (lib -> usr/lib, lib64 -> usr/lib64, ... as base-files
 * makes them), so packages built before and after the merge land in one tree. Every link is
 * rewritten relative to its own place: QEMU looks a path up under its prefix with the host's
 * kernel, which would follow an absolute link out to the host's own files.
 * Several architectures share the tree (multiarch: each keeps its libraries in its own triplet
 * folder); when two packages ship the same path the first one stays, unless it is a link and
 * the second a real file.
 */
import { lstat, mkdir, readdir, readlink, rename, symlink, unlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { runProgram } from '../../kernel/process.js'
import { LibrariesError } from './names.js'

/** The top-level folders merged-/usr systems keep under usr/ (the links to them are made at the end). */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']
/** The trees a loader and the libraries' own data need. */
export const KEPT_TREES = ['usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libx32']

/** A package path in the merged-/usr layout: lib/x -> usr/lib/x. */
export function mergedPath(path: string): string {
  const first = path.split('/')[0]
  return MERGED.includes(first) ? `usr/${path}` : path
}

function isKept(path: string): boolean {
  return KEPT_TREES.some(tree => path === tree || path.startsWith(`${tree}/`))
}

/** Whether a folder may hold kept trees further down (usr itself, or a folder merged into usr). */
function leadsToKept(path: string): boolean {
  return KEPT_TREES.some(tree => tree.startsWith(`${path}/`))
}

/**
 * Where a package's link should point once it sits in the merged tree, relative to the link's
 * own folder; undefined when it would point at itself (the same file shipped under /lib and
 * /usr/lib). A target above the package's root stops at the root, as in a chroot.
 */
export function relocateLink(linkPath: string, target: string): string | undefined {
  const fromRoot = target.startsWith('/') ? target : posix.join(posix.dirname(linkPath), target)
  // Normalising an absolute path stops `..` at the root.
  const absolute = posix.normalize('/' + fromRoot).slice(1)
  const destination = mergedPath(absolute)
  const place = mergedPath(linkPath)
  if (destination === place) return undefined
  return posix.relative(posix.dirname(place), destination) || '.'
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path)
  } catch {
    return undefined
  }
}

/** Moves a package's kept files from its unpacked folder into the root. */
export async function placePackage(unpacked: string, root: string, relative = ''): Promise<void> {
  for (const entry of await readdir(join(unpacked, relative), { withFileTypes: true })) {
    const path = relative ? `${relative}/${entry.name}` : entry.name
    const place = mergedPath(path)
    if (!isKept(place)) {
      if (entry.isDirectory() && leadsToKept(place)) await placePackage(unpacked, root, path)
      continue
    }
    const destination = join(root, place)
    const existing = await lstatOrUndefined(destination)
    if (entry.isDirectory()) {
      if (!existing) await mkdir(destination, { recursive: true })
      await placePackage(unpacked, root, path)
    } else if (entry.isSymbolicLink()) {
      const target = relocateLink(path, await readlink(join(unpacked, path)))
      if (target === undefined || existing) continue
      await mkdir(join(destination, '..'), { recursive: true })
      await symlink(target, destination)
    } else {
      if (existing && !existing.isSymbolicLink()) continue
      if (existing) await unlink(destination)
      await mkdir(join(destination, '..'), { recursive: true })
      await rename(join(unpacked, path), destination)
    }
  }
}

/** The merged-/usr links at the root, for every usr/lib* folder there is. */
export async function makeMergedLinks(root: string): Promise<void> {
  await mkdir(join(root, 'usr/lib'), { recursive: true })
  for (const name of ['lib', 'lib32', 'lib64', 'libx32']) {
    if (!(await lstatOrUndefined(join(root, 'usr', name)))) continue
    if (await lstatOrUndefined(join(root, name))) continue
    await symlink(`usr/${name}`, join(root, name))
  }
}

async function inBatches<T>(items: readonly T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await Promise.all(items.slice(start, start + size).map((item, i) => work(item, start + i)))
  }
}

/**
 * Unpacks the .deb files (in the given order, which decides who wins a shared path) into root,
 * using scratch for the per-package folders. Throws when dpkg-deb is missing or refuses a file.
 */
export async function unpackDebs(debs: readonly string[], root: string, scratch: string): Promise<void> {
  await mkdir(root, { recursive: true })
  // xz decompression dominates and uses one core per package: a few at a time keeps every core busy.
  await inBatches(debs, 4, async (deb, index) => {
    const result = await runProgram('dpkg-deb', ['-x', deb, join(scratch, String(index))], { timeoutMs: 300_000 })
    if (result.code === 127 && /ENOENT/.test(result.stderr)) {
      const fix = "install the dpkg package, or use input 'sysroot'"
      throw new LibrariesError('libraries', 'this machine has no dpkg-deb, which unpacks the packages', fix)
    }
    if (result.code !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${result.stderr.trim().split('\n').slice(-1)[0]}`)
  })
  for (let index = 0; index < debs.length; index++) await placePackage(join(scratch, String(index)), root)
  await makeMergedLinks(root)
}

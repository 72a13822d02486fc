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
 * Packages are not trusted to be tame: nothing is written through a link already in the tree,
 * and a final pass leaves only root's regular files, folders and links that stay inside, with no
 * setuid or setgid bit and nothing others may write, as QEMU serves the tree to every program.
 */
import { chmod, lchown, lstat, mkdir, readdir, readlink, rename, rm, symlink, unlink } from 'node:fs/promises'
import { join, posix } from 'node:path'
import { runProgram } from '../../kernel/process.js'
import { resolveInside } from './loader.js'
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

/** What making a sysroot changed or left out of the packages, each a path relative to the root. */
export interface Sanitized {
  /** Links that resolved outside the sysroot (absolute, or climbing above it): removed. */
  leaving: string[]
  /** Files and folders that were setuid or setgid: the bits cleared. */
  setIds: string[]
  /** Device nodes, FIFOs and sockets: never placed. */
  specials: string[]
  /** Entries whose place went through a link (or a file): never placed, as root writes through no link. */
  blocked: string[]
}

/**
 * Makes root/path a chain of real folders, creating the missing ones; false when a part of it
 * is anything else, a link above all (writing through one could land outside the root).
 */
async function realFolders(root: string, path: string): Promise<boolean> {
  let here = root
  for (const name of path.split('/')) {
    if (name === '' || name === '.') continue
    here = join(here, name)
    const info = await lstatOrUndefined(here)
    if (!info) await mkdir(here, { mode: 0o755 })
    else if (!info.isDirectory()) return false
  }
  return true
}

/**
 * Moves a package's kept files from its unpacked folder into the root: regular files, folders
 * and links only, never through a link already there. Returns what it left out.
 */
export async function placePackage(unpacked: string, root: string): Promise<Pick<Sanitized, 'specials' | 'blocked'>> {
  const left = { specials: [] as string[], blocked: [] as string[] }
  await placeTree(unpacked, root, '', left)
  return left
}

async function placeTree(unpacked: string, root: string, relative: string, left: Pick<Sanitized, 'specials' | 'blocked'>): Promise<void> {
  for (const entry of await readdir(join(unpacked, relative), { withFileTypes: true })) {
    const path = relative ? `${relative}/${entry.name}` : entry.name
    const place = mergedPath(path)
    if (!isKept(place)) {
      if (entry.isDirectory() && leadsToKept(place)) await placeTree(unpacked, root, path, left)
      continue
    }
    if (entry.isDirectory()) {
      if (await realFolders(root, place)) await placeTree(unpacked, root, path, left)
      else left.blocked.push(place)
      continue
    }
    if (!entry.isFile() && !entry.isSymbolicLink()) {
      left.specials.push(place)
      continue
    }
    if (!(await realFolders(root, posix.dirname(place)))) {
      left.blocked.push(place)
      continue
    }
    const destination = join(root, place)
    const existing = await lstatOrUndefined(destination)
    if (entry.isSymbolicLink()) {
      const target = relocateLink(path, await readlink(join(unpacked, path)))
      if (target === undefined || existing) continue
      await symlink(target, destination)
    } else {
      if (existing && !existing.isSymbolicLink()) continue
      if (existing) await unlink(destination)
      await rename(join(unpacked, path), destination)
    }
  }
}

/**
 * The final pass over a made sysroot, which others may read and QEMU serves to every program:
 * only regular files, folders and links stay; every file and folder is owned by whoever made
 * the tree (root: dpkg-deb as root keeps the packages' owners, such as root:utmp), with no
 * setuid, setgid or sticky bit and no write for group or others; every link that resolves
 * outside the root, itself or through other links, is removed. Returns what it changed.
 */
export async function sanitizeSysroot(root: string): Promise<Omit<Sanitized, 'blocked'>> {
  const changed = { setIds: [] as string[], specials: [] as string[] }
  const links: string[] = []
  const uid = process.getuid?.() ?? 0
  const gid = process.getgid?.() ?? 0
  const visit = async (relative: string): Promise<void> => {
    const path = relative ? join(root, relative) : root
    const info = await lstat(path)
    if (info.isSymbolicLink()) {
      links.push(relative)
      return
    }
    if (!info.isFile() && !info.isDirectory()) {
      await unlink(path)
      changed.specials.push(relative)
      return
    }
    if (info.uid !== uid || info.gid !== gid) await lchown(path, uid, gid)
    if (info.mode & 0o6000) changed.setIds.push(relative || '.')
    // chown clears setuid on its own, but not always setgid: the mode is set whatever it did.
    if (info.mode & 0o7022 || info.uid !== uid || info.gid !== gid) await chmod(path, info.mode & 0o755)
    if (info.isDirectory()) await Promise.all((await readdir(path)).map(name => visit(relative ? `${relative}/${name}` : name)))
  }
  await visit('')
  // Every link is judged before any is removed, so one leaving through another goes as well.
  const leaving: string[] = []
  for (const link of links) {
    const found = await resolveInside(root, link)
    if ('leaves' in found) leaving.push(link)
  }
  for (const link of leaving.sort()) await unlink(join(root, link))
  // The walk is concurrent: sorted, the lists read the same every run.
  return { leaving, setIds: changed.setIds.sort(), specials: changed.specials.sort() }
}

function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/** One log line for what sanitizing changed; undefined when it changed nothing worth saying. */
export function sanitizedSummary(changed: Sanitized): string | undefined {
  const said = [
    changed.leaving.length && `dropped ${counted(changed.leaving.length, 'link', 'links')} leaving the sysroot`,
    changed.setIds.length && `cleared setuid/setgid on ${counted(changed.setIds.length, 'file', 'files')}`,
    changed.specials.length &&
      `left out ${counted(changed.specials.length, 'device node, FIFO or socket', 'device nodes, FIFOs or sockets')}`,
    changed.blocked.length && `left out ${counted(changed.blocked.length, 'entry', 'entries')} that would go through a link`
  ].filter(Boolean)
  return said.length ? `libraries: ${said.join(', ')}` : undefined
}

/** The merged-/usr links at the root, for every usr/lib* folder there is. */
export async function makeMergedLinks(root: string): Promise<void> {
  await realFolders(root, 'usr/lib')
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
 * using scratch, a folder only root can enter, for the per-package folders (each removed once
 * placed). Returns what sanitizing changed (sanitizedSummary says it in a line). Throws when
 * dpkg-deb is missing or refuses a file.
 */
export async function unpackDebs(debs: readonly string[], root: string, scratch: string): Promise<Sanitized> {
  await mkdir(root, { recursive: true, mode: 0o755 })
  // xz decompression dominates and uses one core per package: a few at a time keeps every core busy.
  await inBatches(debs, 4, async (deb, index) => {
    const result = await runProgram('dpkg-deb', ['-x', deb, join(scratch, String(index))], { timeoutMs: 300_000 })
    if (result.code === 127 && /ENOENT/.test(result.stderr)) {
      const fix = "install the dpkg package, or use input 'sysroot'"
      throw new LibrariesError('libraries', 'this machine has no dpkg-deb, which unpacks the packages', fix)
    }
    if (result.code !== 0) throw new Error(`dpkg-deb -x ${deb} failed: ${result.stderr.trim().split('\n').slice(-1)[0]}`)
  })
  const left = { specials: [] as string[], blocked: [] as string[] }
  for (let index = 0; index < debs.length; index++) {
    const unpacked = join(scratch, String(index))
    const placed = await placePackage(unpacked, root)
    left.specials.push(...placed.specials)
    left.blocked.push(...placed.blocked)
    await rm(unpacked, { recursive: true, force: true })
  }
  await makeMergedLinks(root)
  const changed = await sanitizeSysroot(root)
  return { ...changed, specials: [...left.specials, ...changed.specials], blocked: left.blocked }
}

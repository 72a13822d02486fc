/**
 * The interpreter store: a folder only root can change, where every downloaded interpreter is
 * kept before it is registered, so that the file the kernel runs (often for root) is not the tool
 * cache's, which the runner's user can rewrite. Content-addressed:
 *
 *   <store>/<sha256 of the binary>/qemu-<target>        (root, 0755)
 *   <store>/assets/<sha256 of the asset>/qemu-<target>.json
 *       what that asset's qemu-<target> is: its sha256 and size, the URL, the member, the version
 *
 * The records are the digests a tool-cache copy is checked against before it is taken in; they are
 * written when a download was verified, and only root can change them. Everything is written as
 * root (this process, or commands through sudo: StoreOps): staged in <store>/.incoming (root's
 * alone), its sha256 checked there, then renamed into place.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { QemuTarget } from '../../kernel/platforms.js'
import type { Privileged } from '../../kernel/privileged.js'
import { dropScratch, holdScratch } from '../../kernel/scratch.js'
import { normalizeSha256 } from '../manifest.js'
import { DownloadError } from './download-error.js'
import { rootOnlyProblem } from '../../kernel/root-files.js'

/** What the store knows of one asset's interpreter. */
export interface StoreRecord {
  target: QemuTarget
  /** sha256 of the interpreter itself. */
  sha256: string
  size: number
  /** sha256 of the asset it came out of. */
  asset: string
  url: string
  member: string
  version?: string
}

/** sha256 of a file, read as a stream. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The one line said when the store is not root's alone. */
export function unsafe(root: string, problem: string): DownloadError {
  return new DownloadError(
    `the interpreter store ${root} is not safe to register interpreters from: ${problem}; it and every folder above it must be root's and writable by root only`,
    'config'
  )
}

/** Is the process with this id alive (or not ours to tell: another user's)? */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const SCRATCH_PREFIX = 'qemu-download-'

const temporary = (dir: string, name: string) => join(dir, `.${name}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`)

/**
 * The file operations the store is written with, as root: in this process when it is root (a cold
 * run's fastest path), else through sudo with commands any coreutils or busybox has (mkdir, chmod,
 * cp, sha256sum, rm, mv).
 */
interface StoreOps {
  mkdirp(dir: string): Promise<unknown>
  chmod(path: string, mode: number): Promise<unknown>
  copy(source: string, dest: string): Promise<unknown>
  /** The file's sha256 as root reads it back; undefined when it cannot be told. */
  sha256(path: string): Promise<string | undefined>
  remove(path: string): Promise<unknown>
  move(source: string, dest: string): Promise<unknown>
}

const IN_PROCESS: StoreOps = {
  mkdirp: dir => mkdir(dir, { recursive: true }),
  chmod,
  copy: copyFile,
  sha256: fileSha256,
  remove: path => rm(path, { force: true }),
  move: rename
}

function throughCommands(sys: Privileged): StoreOps {
  const run = (command: string, ...args: string[]) => sys.run(command, args, { timeoutMs: 60_000 })
  return {
    mkdirp: dir => run('mkdir', '-p', dir),
    chmod: (path, mode) => run('chmod', mode.toString(8), path),
    copy: (source, dest) => run('cp', source, dest),
    sha256: async path => /^[0-9a-f]{64}/.exec(await run('sha256sum', path))?.[0],
    remove: path => run('rm', '-f', path),
    move: (source, dest) => run('mv', '-f', source, dest)
  }
}

export class InterpreterStore {
  /** Folders already judged this run: each is walked once. */
  private readonly seen = new Map<string, string | undefined>()
  /** Folders this run made or set already. */
  private readonly made = new Set<string>()
  private ensured = false
  private readonly ops: StoreOps
  /** Download folders this run made in .incoming (scratch()). */
  private readonly scratches = new Set<string>()

  constructor(
    readonly root: string,
    sys: Privileged
  ) {
    this.ops = sys.inProcess ? IN_PROCESS : throughCommands(sys)
  }

  /** Where an interpreter with this digest lives (the path registered with the kernel). */
  pathOf(sha256: string, target: QemuTarget): string {
    return join(this.root, sha256, `qemu-${target}`)
  }

  private get incoming(): string {
    return join(this.root, '.incoming')
  }

  /**
   * A folder in the store's incoming folder (root's alone) for a download, when this process is
   * root; undefined through sudo (the caller downloads into its own scratch folder, and put() copies
   * and reads back). Held for a signal's way out until release(). Download folders of runs whose
   * process is gone are removed first.
   */
  async scratch(): Promise<string | undefined> {
    if (this.ops !== IN_PROCESS) return undefined
    await this.ensure()
    await this.folder(this.incoming, 0o700)
    for (const name of await readdir(this.incoming)) {
      // download folders and staged copies (temporary()) name the process that made them
      const pid = Number((new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`).exec(name) ?? /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name))?.[1])
      if (pid > 0 && pid !== process.pid && !alive(pid)) await rm(join(this.incoming, name), { recursive: true, force: true })
    }
    const dir = await this.step('make a download folder', () => mkdtemp(join(this.incoming, `${SCRATCH_PREFIX}${process.pid}-`)))
    this.scratches.add(dir)
    holdScratch(dir)
    return dir
  }

  /** Removes a folder scratch() made. */
  async release(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true })
    this.scratches.delete(dir)
    dropScratch(dir)
  }

  /** Is this file in one of this run's download folders (root's alone since its first byte)? */
  private inScratch(path: string): boolean {
    return [...this.scratches].some(dir => path.startsWith(`${dir}/`))
  }

  private recordPath(assetSha256: string, target: QemuTarget): string {
    return join(this.root, 'assets', assetSha256, `qemu-${target}.json`)
  }

  /** Why the store cannot be used (it exists and someone other than root could change it); undefined when fine or not made yet. */
  async problem(): Promise<string | undefined> {
    const exists = await stat(this.root).then(
      () => true,
      () => false
    )
    return exists ? rootOnlyProblem(this.root, 'directory', this.seen) : undefined
  }

  /** Makes the store if it is missing (once a run); throws unless only root can change it. */
  async ensure(): Promise<void> {
    if (this.ensured) return
    await this.folder(this.root)
    this.seen.clear()
    const problem = await rootOnlyProblem(this.root, 'directory', this.seen)
    if (problem) throw unsafe(this.root, problem)
    this.ensured = true
  }

  /** The record of an asset's interpreter, when there is one only root could have written. */
  async record(assetSha256: string, target: QemuTarget): Promise<StoreRecord | undefined> {
    const path = this.recordPath(assetSha256, target)
    if (await rootOnlyProblem(path, 'file', this.seen)) return undefined
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as StoreRecord
      return parsed.target === target && parsed.asset === assetSha256 && normalizeSha256(parsed.sha256) === parsed.sha256
        ? parsed
        : undefined
    } catch {
      return undefined
    }
  }

  /** The stored interpreter with this digest, when it is there and only root could have put it there. */
  async find(sha256: string, target: QemuTarget): Promise<string | undefined> {
    const path = this.pathOf(sha256, target)
    return (await rootOnlyProblem(path, 'file', this.seen)) ? undefined : path
  }

  /** One step of writing the store, its failure said in one line naming the store. */
  private async step<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      throw new DownloadError(`could not ${what} in the interpreter store ${this.root}: ${(err as Error).message}`, 'config')
    }
  }

  /** A folder in the store made (with any missing above it) and set to 0755; root makes it, so root owns it. */
  private async folder(dir: string, mode = 0o755): Promise<void> {
    if (this.made.has(dir)) return
    await this.step(`make ${dir}`, () => this.ops.mkdirp(dir))
    await this.step(`set the mode of ${dir}`, () => this.ops.chmod(dir, mode))
    this.made.add(dir)
  }

  /**
   * Copies a file into the store as root: first into a folder only root can enter (so nobody can
   * open the copy, whatever the umask made of it), where its sha256 is taken as root and compared;
   * then renamed into place. A file of this run's download folder is renamed in without a copy.
   */
  private async admit(source: string, dest: string, mode: number, sha256: string): Promise<string | undefined> {
    await this.ensure()
    const incoming = this.incoming
    await this.folder(incoming, 0o700)
    // A file of this run's download folder was written and hashed where only root can go: nobody
    // else could have changed it since, so it is renamed in as it is.
    const staged = this.inScratch(source) ? source : temporary(incoming, basename(dest))
    if (staged !== source) await this.step(`copy ${source}`, () => this.ops.copy(source, staged))
    await this.step(`set the mode of ${staged}`, () => this.ops.chmod(staged, mode))
    const got = staged === source ? sha256 : await this.step(`read back ${staged}`, () => this.ops.sha256(staged))
    if (got !== sha256) {
      await this.step(`remove ${staged}`, () => this.ops.remove(staged))
      return `its sha256 is ${got ?? 'unknown'}, not ${sha256}`
    }
    await this.folder(dirname(dest))
    await this.step(`put ${dest} in place`, () => this.ops.move(staged, dest))
    this.seen.delete(dirname(dest))
    return undefined
  }

  /**
   * Takes a file in as the interpreter with this digest: renamed in from this run's download folder
   * (scratch()), else copied and read back. Returns its path in the store, or says why not (its
   * copy's digest was another: it changed on the way).
   */
  async put(source: string, sha256: string, target: QemuTarget): Promise<{ path: string } | { problem: string }> {
    const dest = this.pathOf(sha256, target)
    const problem = await this.admit(source, dest, 0o755, sha256)
    return problem ? { problem } : { path: dest }
  }

  /** Writes the record of an asset's interpreter (after the interpreter itself is in the store), by way of a scratch folder. */
  async remember(record: StoreRecord, scratch: string): Promise<void> {
    const text = `${JSON.stringify(record, null, 2)}\n`
    const source = join(scratch, `record-${record.target}-${randomUUID().slice(0, 8)}.json`)
    await writeFile(source, text, { mode: 0o600 })
    const problem = await this.admit(
      source,
      this.recordPath(record.asset, record.target),
      0o644,
      createHash('sha256').update(text).digest('hex')
    )
    if (problem)
      throw new DownloadError(`could not record qemu-${record.target} in the interpreter store ${this.root}: ${problem}`, 'config')
  }
}

/**
 * A stand-in for /proc/sys/fs/binfmt_misc in a temp folder, for unit tests of the logic above the
 * kernel interface: `register` lines become entry files printed the way the kernel prints them,
 * '-1' removes an entry, '0'/'1' disable/enable it; `mount` and `umount` make the folder look
 * mounted or not. Files elsewhere (persist's /etc/binfmt.d stand-in) may only be written inside
 * the OS temp folder; /proc is never touched. The real kernel is used by the integration tests.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import type { Privileged } from '../../src/kernel/privileged.js'

function unescape(field: string): string {
  return field.replace(/\\x([0-9a-f]{2})/gi, '$1').toLowerCase()
}

/** Only paths in the OS temp folder: a test must never write anywhere real. */
function insideTemp(path: string): string {
  const full = resolve(path)
  if (!full.startsWith(`${resolve(tmpdir())}/`)) throw new Error(`fake kernel: refusing to touch ${path} outside the temp folder`)
  return full
}

export class FakeKernel implements Privileged {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-binfmt-'))
  readonly log: string[] = []

  constructor(options: { mounted?: boolean } = {}) {
    if (options.mounted ?? true) this.mountNow()
  }

  private mountNow(): void {
    writeFileSync(join(this.dir, 'status'), 'enabled\n')
    writeFileSync(join(this.dir, 'register'), '')
  }

  get mounted(): boolean {
    return existsSync(join(this.dir, 'status'))
  }

  async write(path: string, data: string): Promise<void> {
    if (!path.startsWith(`${this.dir}/`)) {
      this.log.push(`${path} <- ${data}`)
      writeFileSync(insideTemp(path), data)
      return
    }
    const name = path.slice(this.dir.length + 1)
    this.log.push(`${name} <- ${data}`)
    if (name === 'register') {
      if (!this.mounted) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
      const [, entry, type, offset, magic, mask, interpreter, flags] = data.split(':')
      const file = join(this.dir, entry)
      if (existsSync(file)) throw Object.assign(new Error(`EEXIST: ${entry}`), { code: 'EEXIST' })
      const body =
        type === 'E'
          ? `enabled\ninterpreter ${interpreter}\nflags: ${flags}\nextension .${magic}\n`
          : `enabled\ninterpreter ${interpreter}\nflags: ${flags}\noffset ${offset || 0}\nmagic ${unescape(magic)}\n${mask ? `mask ${unescape(mask)}\n` : ''}`
      writeFileSync(file, body)
    } else if (data === '-1') {
      unlinkSync(path)
    } else if (data === '0' || data === '1') {
      const text = readFileSync(path, 'utf8').replace(/^(enabled|disabled)/, data === '1' ? 'enabled' : 'disabled')
      writeFileSync(path, text)
    } else {
      throw new Error(`fake kernel: unexpected write ${data} to ${name}`)
    }
  }

  async run(command: string, args: string[]): Promise<string> {
    const program = basename(command) // the system's programs are run by absolute path
    this.log.push(`${program} ${args.join(' ')}`)
    if (program === 'mount' && args.at(-1) === this.dir) this.mountNow()
    else if (program === 'umount' && args[0] === this.dir) {
      rmSync(join(this.dir, 'status'), { force: true })
      rmSync(join(this.dir, 'register'), { force: true })
    } else if (command === 'mkdir' && args[0] === '-p') mkdirSync(insideTemp(args[1]), { recursive: true })
    else if (command === 'rm' && args[0] === '-f') rmSync(insideTemp(args[1]), { force: true })
    return ''
  }

  /** The entry files by name, as the kernel prints them. */
  snapshot(): Record<string, string> {
    const table: Record<string, string> = {}
    for (const name of readdirSync(this.dir).sort()) {
      if (name !== 'register' && name !== 'status') table[name] = readFileSync(join(this.dir, name), 'utf8')
    }
    return table
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

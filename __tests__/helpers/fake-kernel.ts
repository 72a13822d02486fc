/**
 * A stand-in for /proc/sys/fs/binfmt_misc in a temp folder, for unit tests of the logic above the
 * kernel interface: `register` lines become entry files printed the way the kernel prints them,
 * '-1' removes an entry, '0'/'1' disable/enable it. The real kernel is used by the integration tests.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Privileged } from '../../src/kernel/privileged.js'

function unescape(field: string): string {
  return field.replace(/\\x([0-9a-f]{2})/gi, '$1').toLowerCase()
}

export class FakeKernel implements Privileged {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-binfmt-'))
  readonly log: string[] = []

  constructor() {
    writeFileSync(join(this.dir, 'status'), 'enabled\n')
    writeFileSync(join(this.dir, 'register'), '')
  }

  async write(path: string, data: string): Promise<void> {
    this.log.push(`${path.slice(this.dir.length + 1)} <- ${data}`)
    const name = path.slice(this.dir.length + 1)
    if (name === 'register') {
      const [, entry, type, offset, magic, mask, interpreter, flags] = data.split(':')
      const file = join(this.dir, entry)
      try {
        readFileSync(file)
        throw Object.assign(new Error(`EEXIST: ${entry}`), { code: 'EEXIST' })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error
      }
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
    this.log.push(`${command} ${args.join(' ')}`)
    return ''
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

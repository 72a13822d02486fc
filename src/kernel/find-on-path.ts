/** Finding a program the way a shell would: the first executable file of that name on PATH. */
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The absolute path of `name` in the first PATH folder that holds it as an executable file. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    // Relative PATH entries would depend on the working folder: not ours to follow.
    if (!dir.startsWith('/')) continue
    const candidate = join(dir, name)
    try {
      if (!statSync(candidate).isFile()) continue
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/**
 * Where root's own tools (chroot, mount, modprobe) are looked for: by absolute path, never through
 * a PATH without /usr/sbin (su, a bare service), where they would seem missing and the kernel or
 * the F flag would take the blame.
 */
export const SYSTEM_PATH = '/usr/sbin:/usr/bin:/sbin:/bin'

/** The absolute path of one of the system's own programs; undefined when the machine has none. */
export function systemProgram(name: string): string | undefined {
  return findOnPath(name, SYSTEM_PATH)
}

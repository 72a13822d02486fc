// Runs a command in a hostile environment made with real namespaces and mounts, for the tests of
// the action's one-line failures. Started under `unshare` (see hostile.test.ts); changes only the
// private mount namespace it runs in.
//   node in-namespace.mjs container|no-binfmt|ro-binfmt -- COMMAND ARGS...
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const [mode, separator, command, ...args] = process.argv.slice(2)
if (separator !== '--' || !command) throw new Error('usage: in-namespace.mjs MODE -- COMMAND ARGS...')
const mount = (...a) => {
  const r = spawnSync('mount', a, { stdio: 'inherit' })
  if (r.status !== 0) throw new Error(`mount ${a.join(' ')} failed`)
}
const binfmt = '/proc/sys/fs/binfmt_misc'

let prefix = []
if (mode === 'container') {
  // An unprivileged container job as Docker makes it: root, but without CAP_SYS_ADMIN, a
  // read-only /proc/sys, and no binfmt_misc mounted inside.
  if (existsSync(`${binfmt}/status`)) spawnSync('umount', ['-l', binfmt], { stdio: 'inherit' })
  mount('--bind', '-o', 'ro', '/proc/sys', '/proc/sys')
  prefix = ['setpriv', '--bounding-set=-sys_admin', '--inh-caps=-sys_admin', '--']
} else if (mode === 'no-binfmt') {
  // A kernel without binfmt_misc: no such directory under /proc/sys/fs.
  mount('-t', 'tmpfs', 'tmpfs', '/proc/sys/fs')
} else if (mode === 'ro-binfmt') {
  // /proc/sys read-only, as in containers or under systemd's ProtectKernelTunables=yes.
  if (!existsSync(`${binfmt}/status`)) mount('-t', 'binfmt_misc', 'binfmt_misc', binfmt)
  mount('-o', 'remount,bind,ro', binfmt)
} else {
  throw new Error(`unknown mode ${mode}`)
}
const [program, ...rest] = [...prefix, command, ...args]
const result = spawnSync(program, rest, { stdio: 'inherit' })
process.exit(result.status ?? 1)

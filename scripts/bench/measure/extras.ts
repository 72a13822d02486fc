/**
 * The bench rows beside the download paths, each with the arm64 handler already registered so
 * that only the part measured differs from "already set up":
 *   container        main with `verify: container`: the container check with the action's own
 *                    probe image (built in-process, loaded, run with --network none, removed)
 *   libraries-cold   main with `libraries: base`, an empty tool cache: a private apt update of the
 *                    machine's own archive for arm64 and the C/C++ runtime's packages, unpacked
 *   libraries-warm   the same with the sysroot already made (as root: in the sysroot store)
 *   peer             the peer's mechanism, measured here: `docker run --privileged` of a local
 *                    image holding a static QEMU and a registrar, the way docker/setup-qemu-action
 *                    runs tonistiigi/binfmt (`--install`), until an arm64 program runs. Its pull
 *                    of a ~50 MB image from Docker Hub comes on top on GitHub and is not counted.
 *   default-*        the default (`verify: auto`) and its post with Docker and Podman both
 *                    installed, as on a hosted runner (default-rows.ts)
 * A row whose requirement is missing (no engine answering) is left out with a note saying why.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { findOnPath } from '../../../src/kernel/find-on-path.js'
import type { Samples } from './action.js'
import { DEFAULT_ROW_IDS, type DefaultRow, defaultRows, mainProblem, NO_DOCKER_SOCKET, postProblem } from './default-rows.js'
import { CACHE } from './fixtures.js'
import { atExit, ensure, must, run, say } from './processes.js'
import { actionStep, measuredEnv, STORES } from './runner.js'
import { ENTRY, isRegistered, lockedPhase, registerAarch64, removeEntry } from './table.js'

const PEER_IMAGE = 'local/setup-x86-bench-binfmt:peer'
const STATIC_BUSYBOX = '/bin/busybox'

/** The Docker engine's version when `docker version` answers. */
async function dockerVersion(): Promise<string | undefined> {
  const r = await run('docker', ['version', '--format', '{{.Server.Version}}'])
  return r.code === 0 ? r.stdout.trim() : undefined
}

/**
 * The peer's image, made here (no registry): a static QEMU for arm64 and a registrar that mounts
 * binfmt_misc inside the container and registers the handler with F, as tonistiigi/binfmt does.
 */
async function buildPeerImage(qemu: string): Promise<void> {
  const dir = join(CACHE, 'peer-image')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  copyFileSync(qemu, join(dir, 'qemu-aarch64'))
  copyFileSync(STATIC_BUSYBOX, join(dir, 'busybox'))
  const magic = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00'
  const mask = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff'
  writeFileSync(
    join(dir, 'install'),
    [
      '#!/bin/busybox sh',
      '# the host table bound in at /binfmt_misc, or (privileged) mounted here as tonistiigi/binfmt does',
      'dir=/binfmt_misc',
      '[ -e $dir/register ] || { dir=/proc/sys/fs/binfmt_misc; /bin/busybox mount -t binfmt_misc binfmt_misc $dir 2>/dev/null; }',
      `/bin/busybox printf '%s' ':${ENTRY}:M::${magic}:${mask}:/usr/bin/qemu-aarch64:F' > $dir/register`,
      ''
    ].join('\n'),
    { mode: 0o755 }
  )
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nCOPY qemu-aarch64 /usr/bin/qemu-aarch64\nCOPY install /install\nENTRYPOINT ["/install"]\n'
  )
  await must('docker', ['build', '-q', '--network', 'none', '-t', PEER_IMAGE, dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' } })
}

export async function extraScenarios(o: {
  dist: string
  qemu: string
  busybox: string
  runs: number
  libraryRuns: number
  samples: Samples
  notes: Map<string, string>
}): Promise<void> {
  const { dist, qemu, busybox, runs, libraryRuns, samples, notes } = o
  const base = join(CACHE, 'extra-runs')
  rmSync(base, { recursive: true, force: true })
  const docker = await dockerVersion()
  const engine = docker !== undefined
  if (!engine) {
    for (const id of ['container', 'peer']) notes.set(id, 'no container engine answered (docker version)')
  } else {
    await buildPeerImage(qemu)
    atExit(() => run('docker', ['image', 'rm', '-f', PEER_IMAGE]))
  }
  const podman = findOnPath('podman')
  const defaults = defaultRows({ dockerAnswers: engine, podmanOnPath: podman !== undefined })
  if (defaults.skipped) {
    for (const id of DEFAULT_ROW_IDS) notes.set(id, defaults.skipped)
    say(`the default's rows are left out: ${defaults.skipped}`)
  } else {
    ensure(!existsSync(NO_DOCKER_SOCKET), `${NO_DOCKER_SOCKET} exists: the podman rows need that socket absent`)
    const version = /(\d+\.\d+(?:\.\d+)?)/.exec((await run(podman ?? 'podman', ['--version'])).stdout)?.[1] ?? 'unknown'
    notes.set('default-engines', `Docker ${docker} and Podman ${version} installed (a hosted runner has Docker 28 and Podman 4.9)`)
  }
  /** How the peer's container is started: --privileged as the peer does, or where the machine refuses that (a sandbox without every capability), only CAP_SYS_ADMIN with the host's table bound in. */
  let peerArgs = ['--privileged']

  await lockedPhase('the extra scenarios', async () => {
    let n = 0
    /** fn with the arm64 entry registered as someone set it up before the job; removed after. */
    const withEntry = async <T>(fn: () => Promise<T>): Promise<T> => {
      await registerAarch64(qemu)
      try {
        return await fn()
      } finally {
        await removeEntry(ENTRY)
      }
    }
    const rowInputs = (inputs: Record<string, string>) => ({ platforms: 'arm64', cleanup: 'true', ...inputs })
    /** main finding the entry, with the inputs (and variables) the row adds; post then has nothing to undo. */
    const mainOver = async (id: string, inputs: Record<string, string>, dir: string, env: Record<string, string> = {}) => {
      const main = await actionStep(dist, 'main', dir, rowInputs(inputs), env)
      ensure(main.code === 0 && main.outputs['install-method'] === 'existing', `${id}: main failed or did not find the entry`, main)
      return main
    }
    const overExisting = (id: string, inputs: Record<string, string>, dir = join(base, `${id}-${++n}`)) =>
      withEntry(() => mainOver(id, inputs, dir))
    /** A default row: main, then post in the same work folder with the entry still there, as in a job. */
    const defaultRow = (row: DefaultRow) =>
      withEntry(async () => {
        const dir = join(base, `${row.id}-${++n}`)
        const main = await mainOver(`${row.id}-main`, row.inputs, dir, row.env)
        const mainWrong = mainProblem(row.engine, main.stdout)
        ensure(!mainWrong, `${row.id}-main: ${mainWrong}`, main)
        const post = await actionStep(dist, 'post', dir, rowInputs(row.inputs), row.env)
        const postWrong = post.code === 0 ? postProblem(post.stdout) : `post failed (exit ${post.code})`
        ensure(!postWrong, `${row.id}-post: ${postWrong}`, post)
        rmSync(dir, { recursive: true, force: true })
        return { main, post }
      })

    if (engine) {
      for (let i = 1; i <= runs; i++) {
        say(`container check and the peer's mechanism: round ${i} of ${runs}`)
        const main = await overExisting('container', { verify: 'container' })
        ensure(/container check passed/.test(main.stdout), 'container: the container check did not pass', main)
        samples.add('container', main)

        const start = () => run('docker', ['run', '--rm', ...peerArgs, '--network', 'none', PEER_IMAGE], { env: measuredEnv() })
        let peer = await start()
        if (peer.code !== 0 && i === 1 && /unable to apply caps: operation not permitted/.test(peer.stderr)) {
          peerArgs = ['--cap-add', 'SYS_ADMIN', '--security-opt', 'apparmor=unconfined', '-v', '/proc/sys/fs/binfmt_misc:/binfmt_misc']
          notes.set('peer-mode', `this machine refuses --privileged (${peer.stderr.trim().split('\n')[0]}); measured with ${peerArgs.join(' ')}`)
          say(`peer: --privileged refused here; using ${peerArgs.join(' ')}`)
          peer = await start()
        }
        ensure(peer.code === 0, "peer: the registrar's container failed", peer)
        const proof = await run(busybox, ['uname', '-m'])
        ensure(proof.stdout.trim() === 'aarch64', `peer: an arm64 program did not run (${proof.stdout.trim() || proof.stderr.trim()})`, proof)
        samples.add('peer', { seconds: peer.seconds + proof.seconds, cpu: peer.cpu + proof.cpu })
        ensure(isRegistered(ENTRY), 'peer: no entry after the run')
        await removeEntry(ENTRY)
      }
    }

    for (let i = 1; i <= runs && defaults.rows.length > 0; i++) {
      say(`the default (verify: auto) with Docker and Podman installed: round ${i} of ${runs}`)
      for (const row of defaults.rows) {
        const { main, post } = await defaultRow(row)
        if (row.engine === 'podman' && i === 1) {
          const passed = /container check passed/.test(main.stdout)
          notes.set('default-podman-check', passed ? 'the check passed' : 'podman cannot run containers here: the check stops there, in a notice')
        }
        samples.add(`${row.id}-main`, main)
        samples.add(`${row.id}-post`, post)
      }
    }

    for (let i = 1; i <= libraryRuns; i++) {
      say(`libraries: base, cold: round ${i} of ${libraryRuns}`)
      // As root the sysroot is kept in the store beside the interpreter stores (shared by every row): cold starts without it.
      rmSync(join(STORES, 'sysroots'), { recursive: true, force: true })
      const cold = await overExisting('libraries-cold', { libraries: 'base', verify: 'probe' })
      ensure(cold.outputs.sysroot, 'libraries-cold: no sysroot output', cold)
      samples.add('libraries-cold', cold)
    }
    const warmDir = join(base, 'libraries-warm')
    await overExisting('libraries-warm', { libraries: 'base', verify: 'probe' }, warmDir) // fills its tool cache
    for (let i = 1; i <= runs; i++) {
      for (const name of ['state', 'main.output', 'post.output', 'summary.md']) rmSync(join(warmDir, name), { force: true })
      const warm = await overExisting('libraries-warm', { libraries: 'base', verify: 'probe' }, warmDir)
      ensure(warm.outputs.sysroot && existsSync(warm.outputs.sysroot), 'libraries-warm: no sysroot output', warm)
      samples.add('libraries-warm', warm)
    }
  })
}

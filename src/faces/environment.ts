/**
 * Where the core's folders and sources are, read from the environment each face runs in: the
 * Actions runner's variables for the action, defaults of its own for the command line. Pure
 * functions of the variables they are given, so tests pass a map.
 */
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { InstallPlaces } from '../install/index.js'
import { parseAssetBase } from './inputs.js'

export type Variables = Record<string, string | undefined>

/**
 * The web address of the repository the action runs from, whose releases hold its own QEMU builds.
 * The runner leaves GITHUB_ACTION_REPOSITORY empty for a local action (`uses: ./`), which comes
 * from the workflow's own repository: GITHUB_REPOSITORY then.
 */
export function actionAssetBase(env: Variables): string | undefined {
  const server = (env.GITHUB_SERVER_URL ?? '').replace(/\/+$/, '')
  const repository = env.GITHUB_ACTION_REPOSITORY || env.GITHUB_REPOSITORY || ''
  return server && /^[\w.-]+\/[\w.-]+$/.test(repository) ? `${server}/${repository}` : undefined
}

/** The command line's tool cache: the machine's for root, else the user's cache folder. */
export function commandLineToolCache(uid: number, env: Variables, home = homedir()): string {
  if (uid === 0) return '/var/cache/setup-x86-on-arm'
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'setup-x86-on-arm')
}

/** The machine's root-only interpreter store (written as root or through sudo). */
export const INTERPRETER_STORE = '/var/lib/setup-x86-on-arm/interpreters'

/**
 * Where downloaded interpreters are kept and registered from: SETUP_X86_ON_ARM_INTERPRETER_STORE
 * (tests), else the machine's store. The same for root and for a user with sudo: the store and every
 * folder above it must be root's alone, which a folder of the user's (their ledger's) never is.
 */
export function interpreterStoreFor(env: Variables): string {
  return env.SETUP_X86_ON_ARM_INTERPRETER_STORE || INTERPRETER_STORE
}

/**
 * Where root keeps sysroots (libraries): beside the interpreter store, root's alone, so a sysroot
 * that QEMU_LD_PREFIX later hands to programs is one no other user could have changed.
 */
export function sysrootStoreFor(env: Variables): string {
  return join(dirname(interpreterStoreFor(env)), 'sysroots')
}

/** The action's places: the runner's tool cache and temp folder (the command line's defaults outside a runner). */
export function actionPlaces(env: Variables, uid: number): InstallPlaces {
  return {
    toolCache: env.RUNNER_TOOL_CACHE || commandLineToolCache(uid, env),
    toolCacheLabel: env.RUNNER_TOOL_CACHE ? 'RUNNER_TOOL_CACHE' : 'the default cache folder (RUNNER_TOOL_CACHE is not set)',
    tempDir: env.RUNNER_TEMP || tmpdir(),
    assetBase: actionAssetBase(env),
    interpreterStore: interpreterStoreFor(env)
  }
}

/**
 * Where the action makes a sysroot when the tool cache cannot be written: a folder of this job's
 * (named by its runner process, which main and post share) that the post step removes.
 */
export function temporarySysrootRoot(env: Variables, runnerPid: number): string {
  return join(env.RUNNER_TEMP || tmpdir(), `setup-x86-on-arm-sysroot-${runnerPid}`)
}

/**
 * The command line's places: its cache folder (--cache-dir, else commandLineToolCache). The asset
 * base: --asset-base, else SETUP_X86_ON_ARM_ASSET_BASE, else the Actions variables when it runs
 * inside a job; without one the download tries its next source.
 */
export function commandLinePlaces(
  env: Variables,
  uid: number,
  assetBaseOption?: string,
  home = homedir(),
  cacheDir?: string
): InstallPlaces {
  return {
    toolCache: cacheDir || commandLineToolCache(uid, env, home),
    toolCacheLabel: cacheDir ? 'the folder --cache-dir names' : "the command line's cache folder (--cache-dir chooses another)",
    tempDir: tmpdir(),
    interpreterStore: interpreterStoreFor(env),
    assetBase: assetBaseOption
      ? parseAssetBase(assetBaseOption)
      : env.SETUP_X86_ON_ARM_ASSET_BASE
        ? parseAssetBase(env.SETUP_X86_ON_ARM_ASSET_BASE, 'SETUP_X86_ON_ARM_ASSET_BASE')
        : actionAssetBase(env)
  }
}

/** Who a job is, for people reading the host's ledger. */
export function jobLabel(env: Variables, runnerPid: number): string {
  const { GITHUB_REPOSITORY = '', GITHUB_RUN_ID = '', GITHUB_JOB = '' } = env
  return [GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_JOB].filter(Boolean).join('/') || `process ${runnerPid}`
}

/**
 * The process's variables as a test sets them: `setVariables` writes them on process.env, and
 * `restoreVariables` (in afterEach) puts back what each was before the test.
 */
const changed = new Map<string, string | undefined>()

export function setVariables(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (!changed.has(name)) changed.set(name, process.env[name])
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
}

export function restoreVariables(): void {
  for (const [name, value] of changed) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  changed.clear()
}

/** What the action and the command line read from a job's variables: none of the machine's leak into a test. */
export const JOB_VARIABLES = [
  'RUNNER_TOOL_CACHE',
  'RUNNER_TEMP',
  'GITHUB_ACTIONS',
  'GITHUB_SERVER_URL',
  'GITHUB_ACTION_REPOSITORY',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_JOB',
  'QEMU_LD_PREFIX',
  'QEMU_GUEST_BASE',
  'SETUP_X86_ON_ARM_ASSET_BASE',
  'SETUP_X86_ON_ARM_INTERPRETER_STORE',
  'SETUP_X86_ON_ARM_LEDGER_DIR',
  'XDG_CACHE_HOME',
  'XDG_RUNTIME_DIR',
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY'
]

/** A job's variables as `vars` gives them and no others of JOB_VARIABLES. */
export function jobVariables(vars: Record<string, string | undefined>): void {
  setVariables({ ...Object.fromEntries(JOB_VARIABLES.map(name => [name, undefined])), ...vars })
}

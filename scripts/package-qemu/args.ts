/**
 * package-qemu's command line (node:util parseArgs): a Debian version or suite, or --rebuild with
 * a manifest release, and the options of the usage text. Checked here, before anything runs.
 */
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs as tokenize } from 'node:util'
import { PLATFORMS } from '../../src/kernel/platforms.js'
import { COMPRESSIONS, isCompression, type CompressionName } from './compression.js'
import { hostName, type HostName } from './hosts.js'
import { parseDebVersion } from './suites.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const MANIFEST_PATH = join(ROOT, 'src', 'install', 'manifest.json')
export const DEFAULT_CACHE_DIR = join(ROOT, '.cache', 'qemu-debian')
export const DEFAULT_OUT_ROOT = join(ROOT, '.cache', 'qemu-assets')

export const USAGE =
  'usage: npm run package-qemu -- <debian-version-or-suite> [--hosts amd64,arm64,armhf] [--targets t1,t2] [--out DIR] [--cache-dir DIR] ' +
  '[--package NAME] [--deb-version V] [--compression br|xz] [--manifest] [--manifest-file PATH] [--default] [--fallback ID] ' +
  '[--verify-manifest] [--allow-missing-index] [--jobs N] [--fetch-only] [--apt-etc DIR]\n' +
  '       npm run package-qemu -- --rebuild <release-id> [--manifest [--default]]'

export interface PackageArgs {
  suite?: string
  hosts?: HostName[]
  targets?: string[]
  out?: string
  cacheDir: string
  package?: string
  debVersion?: string
  /** Unset: what the manifest's release of the same id has, else DEFAULT_COMPRESSION. */
  compression?: CompressionName
  manifest: boolean
  manifestFile: string
  setDefault: boolean
  fallback?: string
  verify: boolean
  rebuild?: string
  allowMissingIndex: boolean
  jobs?: number
  fetchOnly: boolean
  aptEtc: string
}

const OPTIONS = {
  hosts: { type: 'string' },
  targets: { type: 'string' },
  out: { type: 'string' },
  'cache-dir': { type: 'string' },
  package: { type: 'string' },
  'deb-version': { type: 'string' },
  compression: { type: 'string' },
  manifest: { type: 'boolean' },
  'manifest-file': { type: 'string' },
  default: { type: 'boolean' },
  fallback: { type: 'string' },
  'verify-manifest': { type: 'boolean' },
  rebuild: { type: 'string' },
  'allow-missing-index': { type: 'boolean' },
  jobs: { type: 'string' },
  'fetch-only': { type: 'boolean' },
  'apt-etc': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

const KNOWN_TARGETS = PLATFORMS.map(p => p.target as string)
const list = (v: string) =>
  v
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)

export function parseArgs(argv: string[]): PackageArgs {
  // Not strict: unknown options and missing values are named here, with the usage.
  const { values, positionals, tokens } = tokenize({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true })
  for (const t of tokens) {
    if (t.kind === 'option' && !(t.name in OPTIONS)) throw new Error(`unknown option ${t.rawName}\n${USAGE}`)
    const needsValue = t.kind === 'option' && OPTIONS[t.name as keyof typeof OPTIONS].type === 'string'
    if (needsValue && t.value === undefined) throw new Error(`${t.rawName} needs a value\n${USAGE}`)
  }
  if (values.help) throw new Error(USAGE)
  if (positionals.length > 1) throw new Error(`unexpected argument ${positionals[1]}\n${USAGE}`)
  const text = (name: keyof typeof OPTIONS) => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  const path = (name: keyof typeof OPTIONS) => (text(name) === undefined ? undefined : resolve(text(name)!))
  const args: PackageArgs = {
    suite: positionals[0],
    hosts: text('hosts') === undefined ? undefined : [...new Set(list(text('hosts')!).map(hostName))],
    targets: text('targets') === undefined ? undefined : list(text('targets')!),
    out: path('out'),
    cacheDir: path('cache-dir') ?? DEFAULT_CACHE_DIR,
    package: text('package'),
    debVersion: text('deb-version'),
    compression: text('compression') as CompressionName | undefined,
    manifest: Boolean(values.manifest),
    manifestFile: path('manifest-file') ?? MANIFEST_PATH,
    setDefault: Boolean(values.default),
    fallback: text('fallback'),
    verify: Boolean(values['verify-manifest']) || text('rebuild') !== undefined,
    rebuild: text('rebuild'),
    allowMissingIndex: Boolean(values['allow-missing-index']),
    jobs: text('jobs') === undefined ? undefined : Number(text('jobs')),
    fetchOnly: Boolean(values['fetch-only']),
    aptEtc: path('apt-etc') ?? '/etc/apt'
  }
  if (args.rebuild === undefined && args.suite === undefined) throw new Error(USAGE)
  if (args.rebuild !== undefined && args.suite !== undefined) {
    throw new Error(`--rebuild takes the suite from the manifest; leave out ${args.suite}`)
  }
  if (args.fetchOnly && args.manifest) throw new Error('--fetch-only makes no files to write into the manifest')
  // --rebuild --manifest checks the files against the pins, then writes the release back (adding
  // what an older run did not record, such as binarySha256); --verify-manifest only checks.
  if (args.manifest && values['verify-manifest']) {
    throw new Error('--manifest writes the manifest, --verify-manifest checks against it: pick one')
  }
  if (args.compression !== undefined && !isCompression(args.compression)) {
    throw new Error(`--compression ${args.compression} is not one of ${COMPRESSIONS.join(', ')}`)
  }
  if (args.compression !== undefined && args.rebuild !== undefined) {
    throw new Error('--rebuild makes the compression the release records; leave out --compression')
  }
  if (args.setDefault && !args.manifest) throw new Error('--default goes with --manifest')
  const unknown = args.targets?.find(t => !KNOWN_TARGETS.includes(t))
  if (unknown) throw new Error(`unknown target ${unknown} (known: ${KNOWN_TARGETS.join(', ')})`)
  if (args.package !== undefined && !/^[a-z0-9][a-z0-9+.-]+$/.test(args.package)) {
    throw new Error(`--package ${args.package} is not a Debian package name`)
  }
  if (args.debVersion !== undefined) parseDebVersion(args.debVersion)
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs > 0)) throw new Error('--jobs needs a positive whole number')
  return args
}

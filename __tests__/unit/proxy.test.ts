/**
 * Downloads through a proxy, as the job's variables name it (https_proxy, http_proxy, no_proxy,
 * read by @actions/http-client): real transfers through a small forwarding proxy on 127.0.0.1 to
 * an origin whose host name only the proxy resolves, http and https through a CONNECT tunnel
 * with the certificate checked against the real host name, credentials from the proxy's address,
 * and the proxy settings the download refuses with their fix.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DownloadError, fetchToFile, type HttpOptions } from '../../src/install/download/index.js'
import { proxyFor } from '../../src/install/download/fetch.js'
import { sha256 } from '../helpers/archives.js'
import { closedPort, selfSignedCertificate, startProxy, startServer, type TestProxy, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen } from '../helpers/requirements.js'

const VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'no_proxy', 'NO_PROXY']
const before = Object.fromEntries(VARIABLES.map(name => [name, process.env[name]]))
/** The job's proxy variables: these, and none of the others. */
function useProxy(variables: Record<string, string>): void {
  for (const name of VARIABLES) delete process.env[name]
  Object.assign(process.env, variables)
}
beforeEach(() => useProxy({}))
afterAll(() => {
  useProxy({})
  for (const [name, value] of Object.entries(before)) if (value !== undefined) process.env[name] = value
})

/** A host name nothing but the proxy resolves (it sends every name to 127.0.0.1). */
const HOST = 'origin.test'
let dir: string
let n = 0
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxy-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})
const get = (url: string, options: HttpOptions = {}) =>
  fetchToFile(url, join(dir, `file-${n++}`), () => undefined, { retryDelaysMs: [], ...options })
const failure = (url: string, options: HttpOptions = {}) =>
  get(url, options).then(
    got => {
      throw new Error(`expected a failure, got ${JSON.stringify(got)}`)
    },
    e => e as DownloadError
  )

describe('proxy settings the download refuses', () => {
  test('a socks proxy, or a host:port without its scheme, is refused with the fix; not retried', async () => {
    useProxy({ http_proxy: 'socks5://127.0.0.1:1080' })
    const socks = await failure(`http://${HOST}:1/q.xz`, { retryDelaysMs: [0, 0] })
    expect(socks.message).toBe(
      `download of http://${HOST}:1/q.xz failed: the proxy socks5://127.0.0.1:1080 (http_proxy) is not an http or https proxy: set http_proxy to http://host:port`
    )
    expect(socks.reason).toBe('config')
    // Taken as a URL whose scheme is "proxy.example:", it names no host: the client would go direct.
    useProxy({ HTTPS_PROXY: 'proxy.example:3128' })
    expect(() => proxyFor(new URL('https://github.com/a'))).toThrow('HTTPS_PROXY is not a proxy address: write it as http://host:port')
  })

  test('each variable for its own addresses; loopback and no_proxy hosts go direct', () => {
    useProxy({ https_proxy: 'socks5://127.0.0.1:1080', no_proxy: '.example' })
    expect(proxyFor(new URL('http://github.com/a'))).toBeUndefined()
    expect(proxyFor(new URL('https://127.0.0.1:8443/a'))).toBeUndefined()
    expect(proxyFor(new URL('https://mirror.example/a'))).toBeUndefined()
    expect(() => proxyFor(new URL('https://github.com/a'))).toThrow(/is not an http or https proxy/)
  })
})

describe('downloads through a proxy on 127.0.0.1', () => {
  let origin: TestServer
  let proxy: TestProxy
  const data = Buffer.from('through the proxy '.repeat(500))
  const port = (server: TestServer) => new URL(server.base).port

  beforeAll(async () => {
    origin = await startServer()
    proxy = await startProxy()
  })
  afterAll(async () => {
    await origin.close()
    await proxy.close()
  })
  beforeEach(() => {
    origin.reset()
    proxy.asked.length = 0
  })

  test('http: through http_proxy (a CONNECT tunnel); the file arrives whole', async () => {
    useProxy({ http_proxy: proxy.url })
    origin.serve('/q.xz', { file: data })
    const got = await get(`http://${HOST}:${port(origin)}/q.xz`)
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toEqual([`CONNECT ${HOST}:${port(origin)}`])
    expect(origin.requests('/q.xz')).toBe(1)
  })

  test('redirects: each hop goes through the proxy unless no_proxy names its host', async () => {
    useProxy({ http_proxy: proxy.url })
    origin.serve('/final.xz', { file: data })
    origin.serve('/start', { redirect: `http://${HOST}:${port(origin)}/final.xz` })
    const got = await get(`http://${HOST}:${port(origin)}/start`)
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toHaveLength(2)
    // Named in no_proxy: the name is looked up directly, and .test names do not resolve.
    useProxy({ http_proxy: proxy.url, no_proxy: '.test' })
    const direct = await failure(`http://${HOST}:${port(origin)}/final.xz`)
    expect(direct.message).toMatch(/host not found|ENOTFOUND|EAI_AGAIN/)
    expect(proxy.asked).toHaveLength(2)
  })

  test('a proxy that does not answer is named in the failure, not retried', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    useProxy({ http_proxy: dead })
    const error = await failure(`http://${HOST}:${port(origin)}/q.xz`, { retryDelaysMs: [0] })
    expect(error.message).toBe(
      `download of http://${HOST}:${port(origin)}/q.xz failed: connection refused (ECONNREFUSED) (through the proxy ${dead})`
    )
    expect(error.reason).toBe('refused')
  })
})

describe('credentials for the proxy', () => {
  let origin: TestServer
  let proxy: TestProxy
  beforeAll(async () => {
    origin = await startServer()
    proxy = await startProxy('runner:s3cret')
    origin.serve('/q.xz', { file: Buffer.from('data') })
  })
  afterAll(async () => {
    await origin.close()
    await proxy.close()
  })
  const url = () => `http://${HOST}:${new URL(origin.base).port}/q.xz`

  test('the user and password of the proxy address are sent', async () => {
    useProxy({ http_proxy: proxy.url.replace('http://', 'http://runner:s3cret@') })
    expect((await get(url())).bytes).toBe(4)
  })

  test('without them: HTTP 407 fails at once, and the message shows no credentials', async () => {
    useProxy({ http_proxy: proxy.url })
    const error = await failure(url(), { retryDelaysMs: [0] })
    expect(error.message).toBe(
      `download of ${url()} failed: the proxy ${proxy.url} answered CONNECT ${HOST}:${new URL(origin.base).port} with HTTP 407 Proxy Authentication Required: it wants credentials (give them in the proxy address: http://user:password@host:port)`
    )
    useProxy({ http_proxy: proxy.url.replace('http://', 'http://runner:wrong@') })
    expect((await failure(url())).message).not.toMatch(/wrong|runner/)
  })
})

describeWhen([command('/usr/bin/openssl')], 'https through a CONNECT tunnel (a certificate made with openssl)', () => {
  let origin: TestServer
  let proxy: TestProxy
  let authed: TestProxy
  let cert: Buffer
  const data = Buffer.from('over tls '.repeat(800))

  beforeAll(async () => {
    const pair = selfSignedCertificate(dir, HOST)
    cert = pair.cert
    origin = await startServer(pair)
    proxy = await startProxy()
    authed = await startProxy('u:p')
    origin.serve('/q.br', { file: data })
  }, 30_000)
  afterAll(async () => {
    await origin?.close()
    await proxy?.close()
    await authed?.close()
  })
  const url = () => `https://${HOST}:${new URL(origin.base).port}/q.br`

  test('CONNECT host:port, then TLS to the host inside the tunnel', async () => {
    useProxy({ https_proxy: proxy.url })
    proxy.asked.length = 0
    const got = await get(url(), { ca: cert })
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toEqual([`CONNECT ${HOST}:${new URL(origin.base).port}`])
    expect(readFileSync(join(dir, `file-${n - 1}`))).toEqual(data)
  })

  test('the certificate is checked against the real host: an untrusted one fails, not retried', async () => {
    useProxy({ https_proxy: proxy.url })
    const error = await failure(url(), { retryDelaysMs: [0, 0] })
    expect(error).toBeInstanceOf(DownloadError)
    expect(error.message).toMatch(/self[- ]signed certificate/i)
    expect(error.message).not.toMatch(/attempts/)
    // Trusted, but for another name than the one asked for: refused too.
    const mismatch = await failure(url().replace(HOST, 'other.test'), { ca: cert })
    expect(mismatch.message).toMatch(/Hostname\/IP does not match certificate's altnames: Host: other.test/)
  })

  test('credentials go with CONNECT; a refused tunnel (407) says the proxy wants them', async () => {
    useProxy({ https_proxy: authed.url.replace('http://', 'http://u:p@') })
    expect((await get(url(), { ca: cert })).sha256).toBe(sha256(data))
    useProxy({ https_proxy: authed.url })
    const error = await failure(url(), { ca: cert, retryDelaysMs: [0] })
    expect(error.message).toMatch(/the proxy http:\/\/127.0.0.1:\d+ answered CONNECT origin.test:\d+ with HTTP 407 .*it wants credentials/)
    expect(error.message).not.toMatch(/attempts/)
  })
})

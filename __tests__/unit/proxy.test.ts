/**
 * Downloads through a proxy: which addresses go through it (the rules @actions/http-client has),
 * and real transfers through a small forwarding proxy on 127.0.0.1 to an origin whose host name
 * only the proxy resolves: plain http in the absolute form, https through a CONNECT tunnel with
 * the certificate checked against the real host name, credentials from the proxy's address.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DownloadError, fetchToFile, type HttpOptions } from '../../src/install/download/index.js'
import { bypassesProxy, proxyAuthorization, proxyFor } from '../../src/install/download/proxy.js'
import { proxyFromVariables } from '../../src/install/download/proxy-settings.js'
import { sha256 } from '../helpers/archives.js'
import { closedPort, selfSignedCertificate, startProxy, startServer, type TestProxy, type TestServer } from '../helpers/http-server.js'
import { command, describeWhen } from '../helpers/requirements.js'

describe('which addresses go through the proxy', () => {
  const settings = { httpsProxy: 'http://proxy.invalid:3128', httpProxy: 'proxy.invalid:8080' }
  const via = (url: string, noProxy?: string) => proxyFor(new URL(url), { ...settings, noProxy })?.href

  test('https_proxy serves https addresses, http_proxy http ones; a bare host:port is http', () => {
    expect(via('https://github.com/a/b')).toBe('http://proxy.invalid:3128/')
    expect(via('http://mirror.example/q.xz')).toBe('http://proxy.invalid:8080/')
    expect(proxyFor(new URL('https://github.com/a'), { httpProxy: 'http://proxy.invalid:8080' })).toBeUndefined()
    expect(proxyFor(new URL('https://github.com/a'), undefined)).toBeUndefined()
  })

  test('loopback addresses are always reached directly, as the toolkit does', () => {
    for (const url of ['http://localhost:8080/q', 'http://127.0.0.1:9/q', 'https://127.1.2.3/q', 'http://[::1]:80/q'])
      expect(via(url)).toBeUndefined()
  })

  test.each([
    ['github.com', 'https://github.com/x', true],
    ['github.com', 'https://objects.github.com/x', true],
    ['.github.com', 'https://objects.github.com/x', true],
    ['.github.com', 'https://github.com/x', false],
    ['github.com', 'https://notgithub.com/x', false],
    ['GitHub.COM', 'https://github.com/x', true],
    ['example.org, github.com:443', 'https://github.com/x', true],
    ['github.com:8443', 'https://github.com/x', false],
    ['mirror.example:80', 'http://mirror.example/x', true],
    ['*', 'https://anything.example/x', true],
    [' , ', 'https://github.com/x', false]
  ])('no_proxy %j for %s: direct %s', (noProxy, url, direct) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(direct)
    expect(via(url, noProxy) === undefined).toBe(direct)
  })

  test('the variables: lower case first, then upper case', () => {
    expect(
      proxyFromVariables({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', HTTP_PROXY: 'http://c:3', NO_PROXY: 'x.example' })
    ).toEqual({
      httpsProxy: 'http://a:1',
      httpProxy: 'http://c:3',
      noProxy: 'x.example'
    })
    expect(proxyFromVariables({})).toEqual({ httpsProxy: undefined, httpProxy: undefined, noProxy: undefined })
  })

  test('credentials in the address, percent-decoded, become Basic authorization', () => {
    const header = proxyAuthorization(new URL('http://us%40er:p%3Ass@proxy.invalid:3128'))['proxy-authorization']
    expect(Buffer.from(header.replace(/^Basic /, ''), 'base64').toString()).toBe('us@er:p:ss')
    expect(proxyAuthorization(new URL('http://proxy.invalid:3128'))).toEqual({})
  })
})

describe('downloads through a proxy on 127.0.0.1', () => {
  let origin: TestServer
  let proxy: TestProxy
  let dir: string
  let n = 0
  const data = Buffer.from('through the proxy '.repeat(500))
  /** A host name nothing but the proxy resolves (it sends every name to 127.0.0.1). */
  const HOST = 'origin.test'
  const port = (server: TestServer) => new URL(server.base).port
  const get = (url: string, options: HttpOptions) =>
    fetchToFile(url, join(dir, `file-${n++}`), () => undefined, { retryDelaysMs: [], ...options })
  const failure = (url: string, options: HttpOptions) =>
    get(url, options).then(
      got => {
        throw new Error(`expected a failure, got ${JSON.stringify(got)}`)
      },
      e => e as DownloadError
    )

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-'))
    origin = await startServer()
    proxy = await startProxy()
  })
  afterAll(async () => {
    await origin.close()
    await proxy.close()
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    origin.reset()
    proxy.asked.length = 0
  })

  test('http: the absolute form, through http_proxy; the file arrives whole', async () => {
    origin.serve('/q.xz', { file: data })
    const url = `http://${HOST}:${port(origin)}/q.xz`
    const got = await get(url, { proxy: { httpProxy: proxy.url } })
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toEqual([`GET ${url}`])
    expect(origin.requests('/q.xz')).toBe(1)
  })

  test('redirects: each hop goes through the proxy unless no_proxy names its host', async () => {
    origin.serve('/final.xz', { file: data })
    origin.serve('/start', { redirect: `http://${HOST}:${port(origin)}/final.xz` })
    const got = await get(`http://${HOST}:${port(origin)}/start`, { proxy: { httpProxy: proxy.url } })
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toHaveLength(2)
    // Named in no_proxy: the name is looked up directly, and .test names do not resolve.
    const direct = await failure(`http://${HOST}:${port(origin)}/final.xz`, { proxy: { httpProxy: proxy.url, noProxy: '.test' } })
    expect(direct.message).toMatch(/host not found|ENOTFOUND|EAI_AGAIN/)
    expect(proxy.asked).toHaveLength(2)
  })

  test('a proxy that does not answer is named in the failure', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const error = await failure(`http://${HOST}:${port(origin)}/q.xz`, { proxy: { httpProxy: dead } })
    expect(error.message).toBe(
      `download of http://${HOST}:${port(origin)}/q.xz failed: connection refused (ECONNREFUSED) (through the proxy ${dead})`
    )
    expect(error.reason).toBe('refused')
  })

  test('a proxy address that is not http(s) is refused, not retried', async () => {
    const error = await failure(`http://${HOST}:1/q.xz`, { proxy: { httpProxy: 'socks5://127.0.0.1:1080' }, retryDelaysMs: [0, 0] })
    expect(error.message).toMatch(/the proxy socks5:\/\/127.0.0.1:1080 is not an http or https proxy/)
    expect(error.message).not.toMatch(/attempts/)
  })
})

describe('credentials for the proxy', () => {
  let origin: TestServer
  let proxy: TestProxy
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-auth-'))
    origin = await startServer()
    proxy = await startProxy('runner:s3cret')
    origin.serve('/q.xz', { file: Buffer.from('data') })
  })
  afterAll(async () => {
    await origin.close()
    await proxy.close()
    await rm(dir, { recursive: true, force: true })
  })
  const url = () => `http://origin.test:${new URL(origin.base).port}/q.xz`
  const withProxy = (address: string) =>
    fetchToFile(url(), join(dir, `f-${Math.random()}`), () => undefined, { retryDelaysMs: [0], proxy: { httpProxy: address } })

  test('the user and password of the proxy address are sent', async () => {
    const address = proxy.url.replace('http://', 'http://runner:s3cret@')
    expect((await withProxy(address)).bytes).toBe(4)
  })

  test('without them: HTTP 407 fails at once, and the message shows no credentials', async () => {
    await expect(withProxy(proxy.url)).rejects.toThrow(
      /failed: HTTP 407 Proxy Authentication Required: the proxy wants credentials \(give them in the proxy address/
    )
    const address = proxy.url.replace('http://', 'http://runner:wrong@')
    const error = (await withProxy(address).catch(e => e)) as Error
    expect(error.message).not.toMatch(/wrong/)
  })
})

describeWhen([command('/usr/bin/openssl')], 'https through a CONNECT tunnel (a certificate made with openssl)', () => {
  const HOST = 'origin.test'
  let dir: string
  let origin: TestServer
  let proxy: TestProxy
  let authed: TestProxy
  let cert: Buffer
  const data = Buffer.from('over tls '.repeat(800))
  let n = 0
  const get = (url: string, options: HttpOptions) =>
    fetchToFile(url, join(dir, `file-${n++}`), () => undefined, { retryDelaysMs: [], ...options })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxy-tls-'))
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
    await rm(dir, { recursive: true, force: true })
  })
  const url = () => `https://${HOST}:${new URL(origin.base).port}/q.br`

  test('CONNECT host:port, then TLS to the host inside the tunnel', async () => {
    const got = await get(url(), { proxy: { httpsProxy: proxy.url }, ca: cert })
    expect(got.sha256).toBe(sha256(data))
    expect(proxy.asked).toEqual([`CONNECT ${HOST}:${new URL(origin.base).port}`])
    expect(readFileSync(join(dir, `file-${n - 1}`))).toEqual(data)
  })

  test('the certificate is checked against the real host: an untrusted one fails, not retried', async () => {
    const error = (await get(url(), { proxy: { httpsProxy: proxy.url }, retryDelaysMs: [0, 0] }).catch(e => e)) as DownloadError
    expect(error).toBeInstanceOf(DownloadError)
    expect(error.message).toMatch(/self[- ]signed certificate/i)
    expect(error.message).not.toMatch(/attempts/)
    // Trusted, but for another name than the one asked for: refused too.
    const other = url().replace(HOST, 'other.test')
    const mismatch = (await get(other, { proxy: { httpsProxy: proxy.url }, ca: cert }).catch(e => e)) as DownloadError
    expect(mismatch.message).toMatch(/Hostname\/IP does not match certificate's altnames: Host: other.test/)
  })

  test('credentials go with CONNECT; a refused tunnel (407) says the proxy wants them', async () => {
    const address = authed.url.replace('http://', 'http://u:p@')
    expect((await get(url(), { proxy: { httpsProxy: address }, ca: cert })).sha256).toBe(sha256(data))
    const error = (await get(url(), { proxy: { httpsProxy: authed.url }, ca: cert, retryDelaysMs: [0] }).catch(e => e)) as DownloadError
    expect(error.message).toMatch(/the proxy http:\/\/127.0.0.1:\d+ answered CONNECT origin.test:\d+ with HTTP 407 .*it wants credentials/)
    expect(error.message).not.toMatch(/attempts/)
  })
})

/**
 * Downloading one URL to a file, hashing it on the way. The requests are @actions/http-client's,
 * which reaches the network as every action does: https_proxy, http_proxy and no_proxy read from
 * the process's environment (the job's, for the action and the command line; loopback addresses
 * always direct), a CONNECT tunnel through the proxy, credentials from the proxy's address.
 * What the project promises on top is here, because the client does not do it:
 * - Redirects are followed here, one request per hop (allowRedirects: false): the client's own
 *   following sends an ftp: Location as plain HTTP to port 80 (file: to localhost), cannot resolve
 *   a relative Location, and reuses its http agent for an https hop, which Node refuses. Here:
 *   http and https only, never from https down to http, at most 5.
 * - An attempt ends when no data comes for the idle timeout or when it outlasts its deadline (the
 *   client's socketTimeout ends a request that has no answer yet, not a body that stalls).
 * - 408, 429, 5xx and transient network errors are retried after growing delays; 404, refused
 *   connections, unknown hosts, TLS failures and a proxy that wants credentials are not.
 * - A proxy variable that is not an http(s) address is refused with its fix (the client goes
 *   direct for a bare host:port, and asks CONNECT of a socks5:// one).
 * - The body is counted against a maximum and hashed as it is written: the callers check the
 *   sha256 before anything is read, run or cached.
 */
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { checkBypass, getProxyUrl } from '@actions/http-client/lib/proxy'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import { finished } from 'node:stream/promises'
import { DownloadError, type DownloadFailure } from './download-error.js'

/** Knobs of a download; the action uses the defaults, tests make them short. */
export interface HttpOptions {
  /** Waits before the 2nd, 3rd, ... attempt; the number of retries is its length. */
  retryDelaysMs?: number[]
  /** An attempt that neither answers nor sends body data for this long is a timeout (retried). */
  idleTimeoutMs?: number
  /** An attempt that takes longer than this in all is cut off (retried): a trickle cannot hold a job. */
  deadlineMs?: number
  /** Largest download accepted. */
  maxBytes?: number
  /** How a retry waits (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>
  /** Certificate authorities to trust instead of the system's (tests with their own certificate). */
  ca?: string | Buffer
}

export const DEFAULT_RETRY_DELAYS_MS = [1000, 3000, 9000]
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000
export const DEFAULT_DEADLINE_MS = 300_000
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
/** Redirects followed per attempt: GitHub's release downloads take one. */
export const MAX_REDIRECTS = 5
const USER_AGENT = 'setup-x86-on-arm'
const REDIRECT_CODES = new Set([301, 302, 303, 307, 308])
const CREDENTIALS_HINT = 'give them in the proxy address: http://user:password@host:port'

/** A failed attempt, said in a few words, and whether another attempt may do better. */
export class FetchFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly reason: DownloadFailure
  ) {
    super(message)
  }
}

const PERMANENT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ERR_INVALID_URL: 'invalid URL'
}

/** Is a failed request worth repeating? Refused connections, unknown hosts, TLS failures are not. */
export function classifyError(err: unknown): { transient: boolean; message: string; reason: DownloadFailure } {
  if (err instanceof FetchFailure) return { transient: err.transient, message: err.message, reason: err.reason }
  const e = err as NodeJS.ErrnoException
  const code = e?.code ?? ''
  if (PERMANENT_CODES[code])
    return { transient: false, message: `${PERMANENT_CODES[code]} (${code})`, reason: code === 'ECONNREFUSED' ? 'refused' : 'http' }
  if (/^(CERT_|ERR_TLS_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return { transient: false, message: e.message, reason: 'http' }
  if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS') return { transient: false, message: e.message, reason: 'config' }
  const message = e?.message || String(err)
  return { transient: true, message: code && !message.includes(code) ? `${message} (${code})` : message, reason: 'http' }
}

/** What an HTTP status means for a download: 200 reads on; 408, 429 and 5xx are retried. */
export function classifyStatus(status: number): 'ok' | 'retry' | 'not-found' | 'fail' {
  if (status === 200) return 'ok'
  if (status === 404 || status === 410) return 'not-found'
  if (status === 408 || status === 429 || status >= 500) return 'retry'
  return 'fail'
}

/**
 * Where a redirect leads: Location resolved against the current URL. Throws a (permanent)
 * FetchFailure for anything but http(s), for https -> http, and for the redirect past the limit.
 */
export function redirectTarget(from: URL, location: string | undefined, redirects: number, max = MAX_REDIRECTS): URL {
  if (redirects > max) throw new FetchFailure(`too many redirects (${redirects}; at most ${max} are followed)`, false, 'http')
  if (!location) throw new FetchFailure('a redirect without a Location header', false, 'http')
  let to: URL
  try {
    to = new URL(location, from)
  } catch {
    throw new FetchFailure(`a redirect to an invalid address (${JSON.stringify(location)})`, false, 'http')
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    throw new FetchFailure(`refused a redirect to ${to.href}: only http and https addresses are followed`, false, 'http')
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    throw new FetchFailure(`refused a redirect from https to http (${to.href}): a download that starts on https stays on it`, false, 'http')
  }
  return to
}

/** A proxy as messages show it: no credentials, no path. */
const proxyLabel = (proxy: URL) => `${proxy.protocol}//${proxy.host}`

/**
 * The proxy the client will take for an address (its own getProxyUrl and checkBypass), or
 * undefined for none; a FetchFailure when the variable it would read is not an http(s) address.
 */
export function proxyFor(url: URL): URL | undefined {
  if (checkBypass(url)) return undefined
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY']
  const name = names.find(n => process.env[n])
  if (!name) return undefined
  let proxy: URL | undefined
  try {
    proxy = getProxyUrl(url)
  } catch {
    proxy = undefined
  }
  if (!proxy?.hostname) throw new FetchFailure(`${name} is not a proxy address: write it as http://host:port`, false, 'config')
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new FetchFailure(
      `the proxy ${proxyLabel(proxy)} (${name}) is not an http or https proxy: set ${name} to http://host:port`,
      false,
      'config'
    )
  }
  return proxy
}

/** How the client's tunnel (the tunnel package) says a CONNECT failed: the proxy's status, or why it could not be reached. */
const TUNNEL_FAILURE = /^tunneling socket could not be established, (?:statusCode=(\d+)|cause=([\s\S]*))$/

/** What went wrong on the way through a proxy, said with the proxy's name. */
function proxyFailure(err: unknown, url: URL, proxy: URL): FetchFailure {
  const tunnel = TUNNEL_FAILURE.exec((err as Error)?.message ?? '')
  if (tunnel?.[1]) {
    const status = Number(tunnel[1])
    const port = url.port || (url.protocol === 'https:' ? '443' : '80')
    const said =
      `the proxy ${proxyLabel(proxy)} answered CONNECT ${url.hostname}:${port} with HTTP ${status} ${STATUS_CODES[status] ?? ''}`.trim()
    if (status === 407) return new FetchFailure(`${said}: it wants credentials (${CREDENTIALS_HINT})`, false, 'http')
    return new FetchFailure(said, classifyStatus(status) === 'retry', 'http')
  }
  // The tunnel reports every failure to reach the proxy as ECONNRESET; the real code is in its text.
  const cause = tunnel?.[2] ? Object.assign(new Error(tunnel[2]), { code: /\b(E[A-Z]+)\b/.exec(tunnel[2])?.[1] }) : err
  const { transient, message, reason } = classifyError(cause)
  return new FetchFailure(`${message} (through the proxy ${proxyLabel(proxy)})`, transient, reason)
}

/** What each request of an attempt carries: the attempt's abort signal, and a certificate authority where one is given. */
function attemptHandler(signal: AbortSignal, ca: HttpOptions['ca']): RequestHandler {
  return {
    prepareRequest(options) {
      options.signal = signal
      // TLS options reach a connection through the agent's options (the tunnel agent reads no
      // other), as the client's own ignoreSslError sets them.
      const agent = options.agent as { options?: object } | undefined
      if (ca && agent) Object.assign((agent.options ??= {}), { ca })
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('no authentication handler'))
  }
}

/** One GET through the client, its response once the headers are in; the signal aborts it at any point. */
async function get(url: URL, signal: AbortSignal, ca: HttpOptions['ca'], socketTimeout: number): Promise<IncomingMessage> {
  const proxy = proxyFor(url)
  // A client per request: its agent is made for the first address's protocol and kept.
  const client = new HttpClient(USER_AGENT, [attemptHandler(signal, ca)], { allowRedirects: false, allowRetries: false, socketTimeout })
  try {
    return (await client.get(url.href)).message
  } catch (err) {
    // After a timeout the timer's reason is the story (fetchOnce tells it), not the abort.
    throw proxy && !signal.aborted ? proxyFailure(err, url, proxy) : err
  }
}

/** The 200 response for a URL after its redirects; other statuses are FetchFailures. */
async function respond(
  url: string,
  signal: AbortSignal,
  onAnswer: () => void,
  ca: HttpOptions['ca'],
  socketTimeout: number
): Promise<IncomingMessage> {
  let current = new URL(url) // an invalid URL throws ERR_INVALID_URL, which classifyError names
  if (current.protocol !== 'http:' && current.protocol !== 'https:') {
    throw new FetchFailure(`${current.protocol} addresses are not downloaded (only http and https)`, false, 'http')
  }
  for (let redirects = 0; ;) {
    const response = await get(current, signal, ca, socketTimeout)
    onAnswer()
    const status = response.statusCode ?? 0
    if (REDIRECT_CODES.has(status)) {
      response.resume()
      current = redirectTarget(current, response.headers.location, ++redirects)
      continue
    }
    const kind = classifyStatus(status)
    if (kind === 'ok') return response
    response.resume()
    const hint = status === 407 ? `: the proxy wants credentials (${CREDENTIALS_HINT})` : ''
    const text = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}${hint}`
    throw new FetchFailure(text, kind === 'retry', kind === 'not-found' ? 'not-found' : 'http')
  }
}

/** The body of a response written to dest, hashed; bytes counted against maxBytes and Content-Length. */
async function save(
  response: IncomingMessage,
  dest: string,
  maxBytes: number,
  onData: () => void
): Promise<{ sha256: string; bytes: number }> {
  const lengthHeader = response.headers['content-length']
  const expected = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined
  if (expected !== undefined && expected > maxBytes)
    throw new FetchFailure(`the file is ${expected} bytes, more than the ${maxBytes} accepted`, false, 'http')
  const hash = createHash('sha256')
  const out = createWriteStream(dest, { flags: 'wx', mode: 0o600 })
  let bytes = 0
  let writeError: Error | undefined
  out.on('error', err => {
    writeError ??= err
    response.destroy(err)
  })
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      onData()
      bytes += chunk.length
      if (bytes > maxBytes) throw new FetchFailure(`the file is larger than the ${maxBytes} bytes accepted`, false, 'http')
      hash.update(chunk)
      if (!out.write(chunk)) {
        // Wait for whichever comes first; the other listener is removed, not left to pile up.
        const done = new AbortController()
        const wait = (event: string) => once(out, event, { signal: done.signal }).catch(() => undefined)
        await Promise.race([wait('drain'), wait('close')])
        done.abort()
      }
    }
    out.end()
    await finished(out)
  } catch (err) {
    if (writeError) throw writeError
    if (err instanceof FetchFailure) throw err
    const e = err as NodeJS.ErrnoException
    if (e?.code === 'ECONNRESET' || e?.message === 'aborted') {
      throw new FetchFailure(`the connection closed after ${bytes}${expected !== undefined ? ` of ${expected}` : ''} bytes`, true, 'http')
    }
    throw err
  } finally {
    if (!out.writableFinished) {
      out.destroy()
      await finished(out).catch(() => undefined)
    }
  }
  if (expected !== undefined && bytes !== expected)
    throw new FetchFailure(`the download ended after ${bytes} of ${expected} bytes`, true, 'http')
  return { sha256: hash.digest('hex'), bytes }
}

/** One attempt, cut off by the idle timeout or the deadline, whichever comes first. */
async function fetchOnce(
  url: string,
  dest: string,
  o: { idleTimeoutMs: number; deadlineMs: number; maxBytes: number; ca: HttpOptions['ca'] }
): Promise<{ sha256: string; bytes: number }> {
  const stop = new AbortController()
  const seconds = (ms: number) => ms / 1000
  let idle: NodeJS.Timeout | undefined
  const stillAlive = () => {
    clearTimeout(idle)
    idle = setTimeout(
      () => stop.abort(new FetchFailure(`no data for ${seconds(o.idleTimeoutMs)} s (timeout)`, true, 'http')),
      o.idleTimeoutMs
    )
  }
  const late = () => stop.abort(new FetchFailure(`the download took longer than ${seconds(o.deadlineMs)} s (deadline)`, true, 'http'))
  const deadline = setTimeout(late, o.deadlineMs)
  // The client's own cut (3 minutes unless told) comes after ours, which also cover the body.
  const socketTimeout = Math.max(o.idleTimeoutMs, o.deadlineMs) + 1000
  try {
    stillAlive()
    const response = await respond(url, stop.signal, stillAlive, o.ca, socketTimeout)
    if (stop.signal.aborted) throw stop.signal.reason
    stop.signal.addEventListener('abort', () => response.destroy(), { once: true })
    return await save(response, dest, o.maxBytes, stillAlive)
  } catch (err) {
    // Whatever broke after a timer fired (an AbortError, a reset), the timer's reason is the story.
    if (stop.signal.aborted) throw stop.signal.reason
    throw err
  } finally {
    clearTimeout(idle)
    clearTimeout(deadline)
  }
}

const realSleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** Downloads a URL to a file, hashing it on the way; retries what classifyError calls transient. */
export async function fetchToFile(
  url: string,
  dest: string,
  log: (message: string) => void,
  options: HttpOptions = {}
): Promise<{ sha256: string; bytes: number; attempts: number }> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const sleep = options.sleep ?? realSleep
  const o = {
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    ca: options.ca
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await fetchOnce(url, dest, o)
      return { ...result, attempts: attempt + 1 }
    } catch (err) {
      await rm(dest, { force: true })
      const failure = classifyError(err)
      const tries = attempt + 1
      if (!failure.transient || attempt >= delays.length) {
        const after = tries > 1 ? ` (after ${tries} attempts)` : ''
        throw new DownloadError(`download of ${url} failed: ${failure.message}${after}`, failure.reason, url)
      }
      const wait = Math.round(delays[attempt] * (1 + Math.random() * 0.25))
      log(`download of ${url} failed (${failure.message}); attempt ${tries + 1} of ${delays.length + 1} in ${(wait / 1000).toFixed(1)} s`)
      await sleep(wait)
    }
  }
}

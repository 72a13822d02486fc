/**
 * Downloads through an HTTP proxy, the way @actions/http-client (which the action used before)
 * does: https_proxy serves https addresses and http_proxy http ones; no_proxy lists hosts that are
 * reached directly (comma separated: a host, .domain or domain for it and its subdomains, * for
 * all, each optionally with :port), and loopback addresses are always reached directly. An https
 * address goes through a CONNECT tunnel, with TLS to the real host inside it; an http address is
 * asked of the proxy in the absolute form (GET http://host/path). Credentials in the proxy's
 * address become a Proxy-Authorization header. The settings come from the caller; nothing here
 * reads the environment.
 */
import * as http from 'node:http'
import * as https from 'node:https'
import { isIP, type Socket } from 'node:net'
import * as tls from 'node:tls'
import type { ProxySettings } from './proxy-settings.js'

function isLoopback(host: string): boolean {
  const h = host.toLowerCase()
  return h === 'localhost' || h.startsWith('127.') || h.startsWith('[::1]') || h.startsWith('[0:0:0:0:0:0:0:1]')
}

/** Does no_proxy (or loopback) say this address is reached without the proxy? */
export function bypassesProxy(url: URL, noProxy = ''): boolean {
  if (!url.hostname) return false
  if (isLoopback(url.hostname)) return true
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80
  const hosts = [url.hostname.toUpperCase(), `${url.hostname.toUpperCase()}:${port}`]
  const items = noProxy
    .split(',')
    .map(item => item.trim().toUpperCase())
    .filter(Boolean)
  return items.some(
    item => item === '*' || hosts.some(h => h === item || h.endsWith(`.${item}`) || (item.startsWith('.') && h.endsWith(item)))
  )
}

/** A proxy variable's value as an address; a bare host:port is taken as http://host:port. */
export function parseProxy(value: string): URL {
  const text = value.trim()
  // Without a scheme, host:port would parse as the scheme "host:"; an invalid value throws ERR_INVALID_URL.
  const proxy = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`)
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
    throw new ProxyError(
      `the proxy ${proxy.protocol}//${proxy.host} is not an http or https proxy (set https_proxy/http_proxy to http://host:port)`
    )
  }
  return proxy
}

/** A proxy setting that cannot be used: not worth retrying. */
export class ProxyError extends Error {}

/** The proxy an address is fetched through, or undefined to go directly. */
export function proxyFor(url: URL, settings: ProxySettings | undefined): URL | undefined {
  if (!settings || bypassesProxy(url, settings.noProxy)) return undefined
  const value = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy
  return value ? parseProxy(value) : undefined
}

/** A proxy as messages show it: no credentials, no path. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`
}

/** The Proxy-Authorization header for credentials in the proxy's address (percent-decoded). */
export function proxyAuthorization(proxy: URL): Record<string, string> {
  if (!proxy.username && !proxy.password) return {}
  const credentials = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
  return { 'proxy-authorization': `Basic ${Buffer.from(credentials).toString('base64')}` }
}

/** Extra certificate authorities to trust (tests; the action uses the system's). */
export interface Trust {
  ca?: string | Buffer
}

const defaultPort = (url: URL) => Number(url.port || (url.protocol === 'https:' ? 443 : 80))
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '')
/** TLS names the server it wants by host name only (an IP address is checked against the certificate as such). */
const serverName = (url: URL) => (isIP(bareHost(url)) ? undefined : bareHost(url))

/** Connection options that reach the proxy itself (TLS for an https proxy). */
function toProxy(proxy: URL, trust: Trust): { client: typeof http | typeof https; options: https.RequestOptions } {
  const options: https.RequestOptions = { host: bareHost(proxy), port: defaultPort(proxy), agent: false }
  if (proxy.protocol === 'https:') return { client: https, options: { ...options, servername: serverName(proxy), ca: trust.ca } }
  return { client: http, options }
}

/** An http address asked of the proxy in the absolute form. */
export function getViaProxy(
  url: URL,
  proxy: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  trust: Trust
): Promise<http.IncomingMessage> {
  const { client, options } = toProxy(proxy, trust)
  return new Promise((resolve, reject) => {
    const request = client.get(
      { ...options, path: url.href, headers: { ...headers, host: url.host, ...proxyAuthorization(proxy) }, signal },
      resolve
    )
    request.on('error', reject)
  })
}

/** What a proxy answered to CONNECT when it was not 200, for the caller to classify. */
export class TunnelRefused extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** A CONNECT tunnel through the proxy to the address's host and port: a raw socket to it. */
export function openTunnel(url: URL, proxy: URL, signal: AbortSignal, trust: Trust): Promise<Socket> {
  const { client, options } = toProxy(proxy, trust)
  const authority = `${url.hostname}:${defaultPort(url)}`
  return new Promise((resolve, reject) => {
    const headers = { host: authority, ...proxyAuthorization(proxy) }
    const request = client.request({ ...options, method: 'CONNECT', path: authority, headers, signal })
    request.on('connect', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
      const status = response.statusCode ?? 0
      if (status !== 200) {
        socket.destroy()
        const said = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`
        reject(new TunnelRefused(status, `the proxy ${proxyLabel(proxy)} answered CONNECT ${authority} with ${said}`))
        return
      }
      if (head.length) socket.unshift(head)
      resolve(socket)
    })
    // A proxy that answers without switching to a tunnel (an ordinary response) refuses it.
    request.on('response', (response: http.IncomingMessage) => {
      response.resume()
      reject(
        new TunnelRefused(
          response.statusCode ?? 0,
          `the proxy ${proxyLabel(proxy)} did not open a tunnel to ${authority} (HTTP ${response.statusCode})`
        )
      )
    })
    request.on('error', reject)
    request.end()
  })
}

/** An https address through a CONNECT tunnel: TLS to the real host (its name checked) inside it. */
export async function getThroughTunnel(
  url: URL,
  proxy: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  trust: Trust
): Promise<http.IncomingMessage> {
  const socket = await openTunnel(url, proxy, signal, trust)
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      {
        headers,
        // No agent, so that createConnection is used (agent: false would make an agent of its own).
        agent: undefined,
        signal,
        // The request's TLS runs over the tunnel's socket instead of a connection of its own; the
        // certificate is checked against the real host's name.
        createConnection: () => tls.connect({ socket, servername: serverName(url), ca: trust.ca })
      },
      resolve
    )
    request.on('error', error => {
      socket.destroy()
      reject(error)
    })
  })
}

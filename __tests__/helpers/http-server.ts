/**
 * A file server on 127.0.0.1 (ephemeral port) for download tests. Each path answers with a list
 * of behaviours, one per request (the last one repeats): a file, a status code, a body cut short,
 * a body sent slowly or a byte at a time, a redirect. It counts the requests per path. With a key
 * and certificate it speaks https. startProxy() is a small forwarding proxy (CONNECT tunnels and
 * absolute-form GETs) that sends every host name to 127.0.0.1, so tests can use names a proxy
 * must resolve; selfSignedCertificate() makes a certificate for such a name with openssl.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import { connect, type AddressInfo, type Socket } from 'node:net'

export type Behaviour =
  | { file: Buffer; contentLength?: number }
  | { status: number; body?: string }
  /** Announces the whole length, sends the first `after` bytes, then drops the connection. */
  | { truncate: Buffer; after: number }
  /** Sends the headers, then stalls for `stallMs` before the body (or forever when stallMs is Infinity). */
  | { slow: Buffer; stallMs: number }
  /** Sends the headers, then one byte every `everyMs` (data keeps coming, just too slowly). */
  | { trickle: Buffer; everyMs: number }
  /** Redirects (302) to a Location as given: a path on this server, a relative or an absolute URL. */
  | { redirect: string }

export interface TestServer {
  /** The base URL, e.g. http://127.0.0.1:34567 */
  base: string
  url(path: string): string
  /** Sets what a path answers; a list is used one per request, the last repeating. */
  serve(path: string, behaviour: Behaviour | Behaviour[]): string
  requests(path: string): number
  totalRequests(): number
  reset(): void
  close(): Promise<void>
}

export async function startServer(tls?: { key: Buffer; cert: Buffer }): Promise<TestServer> {
  const routes = new Map<string, Behaviour[]>()
  const counts = new Map<string, number>()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const n = counts.get(path) ?? 0
    counts.set(path, n + 1)
    const list = routes.get(path)
    const behaviour = list ? list[Math.min(n, list.length - 1)] : { status: 404, body: 'not found' }
    if ('status' in behaviour) {
      res.writeHead(behaviour.status, { 'content-type': 'text/plain' })
      res.end(behaviour.body ?? `status ${behaviour.status}`)
    } else if ('redirect' in behaviour) {
      res.writeHead(302, { location: behaviour.redirect })
      res.end()
    } else if ('file' in behaviour) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.contentLength ?? behaviour.file.length })
      res.end(behaviour.file)
    } else if ('truncate' in behaviour) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.truncate.length })
      // The bytes, then a FIN (not a reset): the client reads exactly `after` bytes, on any machine.
      res.write(behaviour.truncate.subarray(0, behaviour.after), () => res.socket?.end())
    } else if ('trickle' in behaviour) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.trickle.length })
      let sent = 0
      const timer = setInterval(() => {
        if (sent < behaviour.trickle.length) res.write(behaviour.trickle.subarray(sent, ++sent))
        if (sent === behaviour.trickle.length || res.destroyed) {
          clearInterval(timer)
          timers.delete(timer)
          res.end()
        }
      }, behaviour.everyMs)
      timers.add(timer)
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': behaviour.slow.length })
      res.flushHeaders()
      if (Number.isFinite(behaviour.stallMs)) {
        const timer = setTimeout(() => {
          timers.delete(timer)
          res.end(behaviour.slow)
        }, behaviour.stallMs)
        timers.add(timer)
      }
    }
  }

  const server: Server = tls ? createHttpsServer(tls, handle) : createServer(handle)
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`

  return {
    base,
    url: path => `${base}${path}`,
    serve(path, behaviour) {
      routes.set(path, Array.isArray(behaviour) ? behaviour : [behaviour])
      counts.set(path, 0)
      return `${base}${path}`
    },
    requests: path => counts.get(path) ?? 0,
    totalRequests: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset() {
      routes.clear()
      counts.clear()
    },
    async close() {
      for (const timer of timers) clearTimeout(timer)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>(resolve => server.close(() => resolve()))
  return port
}

export interface TestProxy {
  /** http://127.0.0.1:PORT */
  url: string
  /** What the proxy was asked, in order: "CONNECT host:port" or "GET http://host:port/path". */
  asked: string[]
  /** The Proxy-Authorization header of each request, '' when there was none. */
  authorizations: string[]
  close(): Promise<void>
}

/**
 * A forwarding proxy on 127.0.0.1: CONNECT opens a tunnel, an absolute-form GET is forwarded;
 * every host name is reached at 127.0.0.1 on the port asked for. With `credentials` ("user:pass")
 * a request without the matching Proxy-Authorization gets 407.
 */
export async function startProxy(credentials?: string): Promise<TestProxy> {
  const asked: string[] = []
  const authorizations: string[] = []
  const sockets = new Set<Socket>()
  const allowed = (req: IncomingMessage) => {
    const given = req.headers['proxy-authorization'] ?? ''
    authorizations.push(given)
    return !credentials || given === `Basic ${Buffer.from(credentials).toString('base64')}`
  }
  const server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`)
    if (!allowed(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' })
      res.end()
      return
    }
    const target = new URL(req.url ?? '')
    const headers = { ...req.headers }
    delete headers['proxy-authorization']
    const upstream = httpRequest(
      { host: '127.0.0.1', port: Number(target.port || 80), path: `${target.pathname}${target.search}`, method: req.method, headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    asked.push(`CONNECT ${req.url}`)
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    if (!allowed(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n')
      return
    }
    const port = Number((req.url ?? '').split(':').pop())
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    asked,
    authorizations,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/** A self-signed certificate for a host name (its own CA too), made with openssl in dir. */
export function selfSignedCertificate(dir: string, host: string): { key: Buffer; cert: Buffer } {
  const key = join(dir, `${host}.key`)
  const cert = join(dir, `${host}.crt`)
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`
    ],
    { stdio: 'ignore' }
  )
  return { key: readFileSync(key), cert: readFileSync(cert) }
}

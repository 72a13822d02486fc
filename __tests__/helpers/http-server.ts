/**
 * A file server on 127.0.0.1 (ephemeral port) for download tests. Each path answers with a list
 * of behaviours, one per request (the last one repeats): a file, a status code, a body cut short,
 * or a body sent slowly. It counts the requests per path.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type Behaviour =
  | { file: Buffer; contentLength?: number }
  | { status: number; body?: string }
  /** Announces the whole length, sends the first `after` bytes, then drops the connection. */
  | { truncate: Buffer; after: number }
  /** Sends the headers, then stalls for `stallMs` before the body (or forever when stallMs is Infinity). */
  | { slow: Buffer; stallMs: number }
  /** Redirects to another path on this server. */
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

export async function startServer(): Promise<TestServer> {
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
      res.write(behaviour.truncate.subarray(0, behaviour.after), () => {
        const timer = setTimeout(() => {
          timers.delete(timer)
          res.destroy()
        }, 20)
        timers.add(timer)
      })
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

  const server: Server = createServer(handle)
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`

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

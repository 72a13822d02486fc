/**
 * What the container check hands to an engine: image references and platforms that cannot read
 * as options, hold shell metacharacters or reach absurd lengths.
 */
import { describe, expect, test } from '@jest/globals'
import { BUILT_IN_IMAGE, validImageRef, validPlatform } from '../../src/checks/image-ref.js'

const DIGEST = 'sha256:' + 'a3'.repeat(32)

describe('validImageRef', () => {
  test.each([
    'busybox',
    'busybox:stable',
    'busybox:1.36.1-musl',
    'docker.io/library/busybox:stable',
    'amd64/ubuntu',
    'amd64/ubuntu:24.04',
    'ghcr.io/owner/image:v1.2.3',
    'quay.io/org/sub/image_name__x-y.z:tag_1',
    'localhost/local/busybox-arm64:test',
    'localhost:5000/busybox:stable',
    'registry.example.com:443/team/img',
    `busybox@${DIGEST}`,
    `busybox:stable@${DIGEST}`,
    `ghcr.io/owner/image@${DIGEST}`,
    'a'.repeat(200) + ':' + 't'.repeat(128)
  ])('accepts %s', ref => {
    expect(validImageRef(ref)).toBe(true)
  })

  test.each([
    ['empty (the built-in image is not a reference)', BUILT_IN_IMAGE],
    ['leading space', ' busybox'],
    ['trailing newline', 'busybox\n'],
    ['newline and command', 'busybox\nrm -rf /'],
    ['space in tag', 'busybox:sta ble'],
    ['tab', 'busybox\t'],
    ['semicolon', 'busybox;id'],
    ['command substitution', '$(id)'],
    ['backticks', '`id`'],
    ['pipe', 'busybox|sh'],
    ['and', 'busybox&&id'],
    ['redirect', 'busybox>x'],
    ['quote', "busybox'"],
    ['double quote', 'busybox"'],
    ['glob', 'busy*'],
    ['NUL', 'busybox\0'],
    ['option', '--privileged'],
    ['short option', '-v'],
    ['leading dash in path', 'ghcr.io/-x/y'],
    ['upper case path', 'ghcr.io/Owner/Image'],
    ['URL', 'https://ghcr.io/o/i'],
    ['empty tag', 'busybox:'],
    ['tag too long', 'busybox:' + 't'.repeat(129)],
    ['short digest', 'busybox@sha256:abc'],
    ['digest without algorithm', 'busybox@' + 'a'.repeat(64)],
    ['name too long', 'a'.repeat(256)],
    ['absurd length', 'a/'.repeat(300) + 'a'],
    ['double slash', 'ghcr.io//x']
  ])('rejects %s', (_what, ref) => {
    expect(validImageRef(ref)).toBe(false)
  })
})

describe('validPlatform', () => {
  const valid = ['linux/amd64', 'linux/386', 'linux/arm64', 'linux/arm64/v8', 'linux/arm/v7', 'linux/mips64le', 'linux/loong64']
  test.each(valid)('valid %s', p => {
    expect(validPlatform(p)).toBe(true)
  })
  test.each(['', 'amd64', 'linux/amd64 ', 'linux/amd64;id', 'linux//amd64', '--platform', 'linux/amd64/v8/x'])('invalid %j', p => {
    expect(validPlatform(p)).toBe(false)
  })
})

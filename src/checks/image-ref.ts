/**
 * What the container check accepts as an image reference and a platform before it hands either to
 * an engine: the reference grammar docker and podman use, so nothing that reads as an option, holds
 * whitespace or shell metacharacters, or is absurdly long ever reaches a command line.
 */

/** An empty `verify-image` (the default): the check's own probe image, made on the spot (probe-image.ts). */
export const BUILT_IN_IMAGE = ''

const MAX_IMAGE_REF = 512

// The image reference grammar of the distribution/reference package (docker, podman), without
// IPv6 literal hosts: [host[:port]/]path[:tag][@algorithm:hex].
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const IMAGE_REF = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

/**
 * Is `ref` an image reference the action may hand to an engine? Tags and digests are accepted
 * (`busybox:stable`, `ghcr.io/o/i@sha256:...`, `localhost:5000/i:t@sha256:...`); anything with
 * whitespace, newlines, shell metacharacters, a leading `-` (it would read as an option), upper
 * case in the repository path, or more than 512 characters is not.
 */
export function validImageRef(ref: string): boolean {
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_IMAGE_REF) return false
  if (!IMAGE_REF.test(ref)) return false
  // The name part (before tag and digest) is limited to 255 characters by the reference grammar.
  const name = ref.replace(/@.*$/, '').replace(/:[^/:]*$/, '')
  return name.length <= 255
}

/** Is `platform` a docker platform string (`os/arch[/variant]`)? */
export function validPlatform(platform: string): boolean {
  return /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform)
}

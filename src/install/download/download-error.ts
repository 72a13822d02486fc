/**
 * The one error a download raises, with a reason callers act on: a 'not-found' asset may exist
 * in the next plan (a fork that published no assets of its own), everything else is final.
 */
export type DownloadFailure =
  'not-found' | 'refused' | 'http' | 'checksum' | 'archive' | 'missing-binary' | 'unusable-binary' | 'no-build' | 'config'

export class DownloadError extends Error {
  /** What went wrong, for callers that fall back (a 'not-found' asset may exist elsewhere). */
  readonly reason: DownloadFailure
  readonly url?: string
  constructor(message: string, reason: DownloadFailure = 'config', url?: string) {
    super(message)
    this.name = 'DownloadError'
    this.reason = reason
    this.url = url
  }
}

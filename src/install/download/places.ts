/**
 * Where a download's files go, as the caller (the core, from the runner's environment or the
 * command line's) says. How it reaches the network is the one thing read from the environment:
 * @actions/http-client takes https_proxy, http_proxy and no_proxy from the process's variables.
 */
export interface InstallPlaces {
  /** Where verified downloads are kept: the runner's tool cache, or the command line's own cache folder. */
  toolCache: string
  /**
   * What chose the tool cache folder, shown beside it when it cannot be written (a full disk), so
   * the fix is plain: e.g. 'RUNNER_TOOL_CACHE' or "the command line's cache folder". Default: 'the tool cache'.
   */
  toolCacheLabel?: string
  /** Scratch space for downloads in progress. */
  tempDir: string
  /** Base address of the project's own release assets, e.g. https://github.com/OWNER/REPO (undefined: unknown,
   *  then a release with source "action" is skipped with a reason and the next plan, e.g. tonistiigi, is tried). */
  assetBase?: string
  /**
   * The root-only folder the interpreters are registered from (interpreter-store.ts), e.g.
   * /var/lib/setup-x86-on-arm/interpreters; written as root or through sudo. With it the tool cache
   * is only a download cache whose files are checked by sha256 before they are taken in. Undefined:
   * the tool cache's own files are registered, as before it existed (tests of the download alone).
   */
  interpreterStore?: string
}

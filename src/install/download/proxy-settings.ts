/** Which proxy the job asks for: read from its variables, with no network code loaded. */
/** The proxy variables as a job sets them (https_proxy, http_proxy, no_proxy). */
export interface ProxySettings {
  httpsProxy?: string
  httpProxy?: string
  noProxy?: string
}

/**
 * The proxy settings from a map of environment variables: lower case first, then upper case,
 * as @actions/http-client reads them. A pure function of the map it is given.
 */
export function proxyFromVariables(env: Record<string, string | undefined>): ProxySettings {
  const pick = (name: string) => env[name] || env[name.toUpperCase()] || undefined
  return { httpsProxy: pick('https_proxy'), httpProxy: pick('http_proxy'), noProxy: pick('no_proxy') }
}

/**
 * Rules for registered redirect URIs. They are stored as given and compared byte for byte with the
 * authorization request (no normalization, no wildcards, no prefix matching): `https://app.example/cb/`,
 * `https://app.example/cb?x=1` and `http://app.example/cb` are all different from `https://app.example/cb`.
 */
export function isAcceptableRedirectUri(value: string): boolean {
  if (value.length > 2000 || /[\s*]/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // RFC 6749 §3.1.2: no fragment; user info in a redirect URI only serves to disguise the real host
  if (value.includes('#') || url.username || url.password || value.includes('@')) return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  // RFC 8252 §7.3 / OAuth 2.1: plain http only for native apps and development on the loopback interface
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The registered URI with the response parameters appended (its own query is kept, RFC 6749 §3.1.2). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.href;
}

import ipaddr from 'ipaddr.js';

/**
 * The SSRF rule (SPEC §7): a webhook may only reach globally routable unicast addresses — not loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, unique-local, multicast, reserved, nor IPv6
 * forms that embed an IPv4 address (`::ffff:127.0.0.1`, NAT64, 6to4). It is the same test request-filtering-agent
 * applies at connect time, so registration and delivery agree.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.parse(address).range() === 'unicast';
}

/** `localhost` and its subdomains always mean this machine (RFC 6761), whatever DNS says. */
export function isLocalhostName(hostname: string): boolean {
  return /(^|\.)localhost\.?$/i.test(hostname);
}

/**
 * The host of a parsed URL as an IP literal, or undefined for a name. The WHATWG parser has already normalized
 * the alternative IPv4 spellings (`0x7f000001`, `127.1`, `2130706433`, `0177.0.0.1`) to dotted quads.
 */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) ? host : undefined;
}

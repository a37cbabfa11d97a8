import { isIP } from "node:net";

/**
 * True for addresses that only this machine can reach: 127.0.0.0/8, ::1 (also as an IPv4-mapped
 * ::ffff:127.x address) and the name localhost. A test tool bound anywhere else is reachable from
 * the network, which the CLI refuses unless told otherwise.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) !== 6) return false;
  // The URL parser normalises IPv6 (0:0:0:0:0:0:0:1 -> ::1, ::ffff:127.0.0.1 -> ::ffff:7f00:1).
  const normal = new URL(`http://[${h}]/`).hostname;
  return normal === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal);
}

/** http://HOST:PORT with IPv6 literals in brackets. */
export function httpOrigin(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

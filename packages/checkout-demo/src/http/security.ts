import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The pages load scripts, styles and images from this server only and run no inline script, so
 * an order description that smuggles markup cannot execute even if a view forgot to escape it.
 * QR codes are same-origin SVG files; the Alipay and WeChat H5 pay links are plain navigations,
 * which CSP does not restrict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export function securityHeaders(_req: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply.header("content-security-policy", CONTENT_SECURITY_POLICY);
  reply.header("x-content-type-options", "nosniff");
  reply.header("referrer-policy", "no-referrer");
  done();
}

/** A fresh console token per start-up; printed once on the terminal that started the demo. */
export function newConsoleToken(): string {
  return randomBytes(18).toString("base64url");
}

export const CONSOLE_COOKIE = "paybridge_console";

export function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

/**
 * The console's API answers only with the token: the `authorization: Bearer` header (scripts)
 * or the SameSite=Strict cookie the console page receives when opened with ?token= (the browser's
 * EventSource cannot send headers; SameSite=Strict keeps other sites' forms from riding on it).
 */
export function hasConsoleToken(req: FastifyRequest, token: string): boolean {
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith("Bearer ") ? auth.slice("Bearer ".length) : undefined;
  return sameToken(bearer, token) || sameToken(cookieValue(req.headers.cookie, CONSOLE_COOKIE), token);
}

export function consoleCookie(token: string): string {
  return `${CONSOLE_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

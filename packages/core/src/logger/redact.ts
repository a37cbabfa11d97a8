import type { Logger, LogLevel } from "./logger.js";
import { MIN_SECRET_LENGTH, SecretMatcher } from "./secret-matcher.js";

// Keys whose values are secrets whatever they hold (private keys, APIv3 keys, passwords).
const SECRET_KEY = /(private|secret|password|passwd|apiv3|api_v3|apikey|api_key|token)/i;
const PEM_BLOCK = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
export const REDACTED = "[REDACTED]";

/**
 * Holds the secret values of every configured merchant, so that a secret is scrubbed from a log
 * line even when it travels under an innocent key name or inside an error message.
 */
export class SecretRegistry {
  private readonly matcher = new SecretMatcher();

  add(value: string | undefined): void {
    // Very short strings would scrub ordinary words; real keys are far longer.
    if (value && value.length >= MIN_SECRET_LENGTH) this.matcher.add(value);
  }

  /** Adds every string under a secret-looking key of a config object. */
  addFromConfig(config: unknown): void {
    walk(config, (key, value) => {
      if (typeof value === "string" && SECRET_KEY.test(key)) this.add(value);
      if (typeof value === "string" && /PRIVATE KEY-----/.test(value)) this.add(value);
    });
  }

  /** `text` with PEM private keys and every registered secret replaced, in one pass over the text. */
  scrubText(text: string): string {
    const out = text.includes("PRIVATE KEY-----") ? text.replace(PEM_BLOCK, REDACTED) : text;
    return this.matcher.replaceAll(out, REDACTED);
  }

  scrub(value: unknown, key = "", seen = new WeakSet<object>()): unknown {
    if (typeof value === "string") return SECRET_KEY.test(key) ? REDACTED : this.scrubText(value);
    if (Buffer.isBuffer(value)) return SECRET_KEY.test(key) ? REDACTED : `<Buffer ${value.length} bytes>`;
    if (value instanceof Error) {
      return {
        name: value.name,
        message: this.scrubText(value.message),
        stack: this.scrubText(value.stack ?? ""),
      };
    }
    if (value === null || typeof value !== "object") return value;
    if (seen.has(value)) return "[Circular]";
    seen.add(value);
    if (Array.isArray(value)) return value.map((v) => this.scrub(v, key, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEY.test(k) ? REDACTED : this.scrub(v, k, seen);
    return out;
  }
}

function walk(value: unknown, visit: (key: string, value: unknown) => void, key = "", depth = 0): void {
  if (depth > 8) return;
  visit(key, value);
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) walk(v, visit, k, depth + 1);
  }
}

/**
 * Wraps any Logger so that no secret known to `secrets` (or shaped like a private key) is written.
 * A line the inner logger would drop (its `isLevelEnabled` says so, as pino's does; silentLogger
 * drops all) is dropped before any scrubbing: redaction costs nothing while logging is off.
 */
export function redactingLogger(inner: Logger, secrets: SecretRegistry): Logger {
  const enabled = (level: LogLevel) => inner.isLevelEnabled?.(level) ?? true;
  const wrap = (level: LogLevel) => (obj: object, msg?: string) => {
    if (!enabled(level)) return;
    inner[level](secrets.scrub(obj) as object, msg === undefined ? undefined : secrets.scrubText(msg));
  };
  return {
    debug: wrap("debug"),
    info: wrap("info"),
    warn: wrap("warn"),
    error: wrap("error"),
    isLevelEnabled: enabled,
    child: (bindings: object) => redactingLogger(inner.child(secrets.scrub(bindings) as object), secrets),
  };
}

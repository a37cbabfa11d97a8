import { ConfigurationError } from "../errors/errors.js";

/**
 * Largest notification body the adapters read: 1 MiB. Real notifications are a few kilobytes
 * (a WeChat resource is one encrypted order; an Alipay form a few dozen fields), so anything near
 * this is not a notification, and reading more would let one caller hold the process's memory.
 */
export const DEFAULT_NOTIFICATION_BODY_LIMIT = 1024 * 1024;

/** The configured limit, checked once when the adapter is built: a positive whole number of bytes. */
export function resolveBodyLimit(value: number | undefined, field: string): number {
  if (value === undefined) return DEFAULT_NOTIFICATION_BODY_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ConfigurationError(`${field}: must be a positive whole number of bytes, got ${String(value)}`);
  }
  return value;
}

import { SecretRegistry } from "./redact.js";

/** The symbol util.inspect looks for (Symbol.for, so core needs no import of node:util). */
export const INSPECT_CUSTOM: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;

type Inspect = (value: unknown, options: object) => string;

/**
 * Makes `target` print `view()` instead of itself under util.inspect (console.log, a debugger,
 * an error reporter) and JSON.stringify. The properties are non-enumerable, so the object's own
 * fields, spreads and Object.entries are unchanged: code keeps reading the real values.
 */
export function concealWith<T extends object>(target: T, view: () => unknown): T {
  Object.defineProperty(target, "toJSON", { value: view, enumerable: false, configurable: true });
  Object.defineProperty(target, INSPECT_CUSTOM, {
    value: (_depth: number, options: object, inspect: Inspect) => inspect(view(), options),
    enumerable: false,
    configurable: true,
  });
  return target;
}

/**
 * Makes a configuration object print with its secrets (keys named like private keys, APIv3 keys,
 * passwords and tokens, and any PEM private key) replaced by [REDACTED]. Public keys, ids and
 * URLs stay readable: a printed config must still say which merchant it is.
 */
export function concealSecrets<T extends object>(config: T): T {
  const registry = new SecretRegistry();
  registry.addFromConfig(config);
  return concealWith(config, () => registry.scrub({ ...config }));
}

/** A provider prints as what it is (its id and merchant), never as the keys and clients it holds. */
export function concealProvider<T extends { readonly id: string; readonly merchantId: string }>(
  provider: T,
): T {
  return concealWith(provider, () => ({ provider: provider.id, merchantId: provider.merchantId }));
}

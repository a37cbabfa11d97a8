/**
 * CloudPay's answer schemas and transformers (transformers.ts, with flattened.ts and status-map.ts)
 * load on the first CloudPay call, which is always async: the root entry exports the CloudPay
 * classes, and an application of direct APIv3 merchants imports them without ever calling one.
 * The schemas are built when the module first evaluates, so they are built on that call too.
 * Loading them with the root cost every import about 10 ms (docs/performance.md "Cold import").
 */
let loading: Promise<typeof import("./transformers.js")> | undefined;

export function cloudPayTransformers(): Promise<typeof import("./transformers.js")> {
  loading ??= import("./transformers.js");
  return loading;
}

/**
 * The "answers for something else" fault: the next matching answer has fields set or removed
 * after the simulator computed it and before it is signed, so the answer still verifies. A client
 * must check that an answer echoes what it asked (out_trade_no, out_refund_no, mchid, appid ...),
 * and must accept an answer without a field the provider's page marks optional; this is how a test
 * shows both without a mock. Paths are dotted ("amount.total"); a removed object key disappears.
 */
export interface AnswerRewrite<Operation extends string = string> {
  /** Only this operation's answer is rewritten; any operation when omitted. */
  readonly operation?: Operation | undefined;
  /** Only this merchant's answer (WeChat mchid / sub_mch_id); any merchant when omitted. */
  readonly mchid?: string | undefined;
  /** Fields to overwrite, by dotted path, e.g. { out_trade_no: "SOMEONE_ELSES" }. */
  readonly set?: Readonly<Record<string, unknown>> | undefined;
  /** Fields to leave out, by dotted path, e.g. ["amount"]. */
  readonly remove?: readonly string[] | undefined;
}

export function rewriteAnswer(
  body: Readonly<Record<string, unknown>>,
  rewrite: Pick<AnswerRewrite, "set" | "remove">,
): Record<string, unknown> {
  const out = structuredClone(body) as Record<string, unknown>;
  for (const [path, value] of Object.entries(rewrite.set ?? {})) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    let node = out;
    for (const k of keys) {
      const next = node[k];
      if (typeof next !== "object" || next === null) node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[last] = value;
  }
  for (const path of rewrite.remove ?? []) {
    const keys = path.split(".");
    const last = keys.pop() as string;
    let node: unknown = out;
    for (const k of keys)
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[k] : undefined;
    if (typeof node === "object" && node !== null) delete (node as Record<string, unknown>)[last];
  }
  return out;
}

/** A FIFO of one-shot rewrites; each answer consumes at most the first rewrite that matches it. */
export class AnswerRewriteQueue<Operation extends string = string> {
  private readonly queue: AnswerRewrite<Operation>[] = [];

  push(rewrite: AnswerRewrite<Operation>, times = 1): void {
    if (!rewrite.set && !rewrite.remove) throw new TypeError("an answer rewrite needs set or remove");
    for (let i = 0; i < times; i += 1) this.queue.push(rewrite);
  }

  take(operation: Operation, mchid?: string): AnswerRewrite<Operation> | undefined {
    const index = this.queue.findIndex(
      (r) =>
        (r.operation === undefined || r.operation === operation) &&
        (r.mchid === undefined || mchid === undefined || r.mchid === mchid),
    );
    if (index < 0) return undefined;
    return this.queue.splice(index, 1)[0];
  }

  /** Applies and consumes the first matching rewrite, or returns `body` as it is. */
  apply<T extends Record<string, unknown>>(operation: Operation, body: T, mchid?: string): T {
    const rewrite = this.take(operation, mchid);
    return rewrite ? (rewriteAnswer(body, rewrite) as T) : body;
  }

  get pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue.length = 0;
  }
}

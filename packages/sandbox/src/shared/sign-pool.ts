import { createSign } from "node:crypto";
import { Worker } from "node:worker_threads";
import { privateKeyObject } from "./key-objects.js";

/**
 * SHA256withRSA, base64: what both simulators sign with (WeChat Pay's WECHATPAY2-SHA256-RSA2048,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012365342; Alipay's RSA2,
 * https://opendocs.alipay.com/common/02mse7). node:crypto has no asynchronous RSA sign, so a
 * signature costs its whole time (about 1 ms for a 2048-bit key) on the calling thread.
 */
export function sha256WithRsaSign(privateKeyPem: string, message: string): string {
  return createSign("RSA-SHA256").update(message, "utf8").sign(privateKeyObject(privateKeyPem), "base64");
}

/** Signs answers: on the calling thread (inlineSigner) or on worker threads (RsaSignPool). */
export interface AnswerSigner {
  sign(privateKeyPem: string, message: string): Promise<string>;
  close(): Promise<void>;
}

/** Signs on the calling thread, before the promise is returned. */
export const inlineSigner: AnswerSigner = {
  sign: async (privateKeyPem, message) => sha256WithRsaSign(privateKeyPem, message),
  close: async () => {},
};

/**
 * The worker's whole program. It is evaluated from this string (CommonJS, node: built-ins only)
 * rather than loaded from a file, so the ESM and the CommonJS build of the sandbox start it the
 * same way without locating a file beside them (the CommonJS build has no import.meta.url, which
 * a pool library such as piscina needs for its worker file). Each key's PEM is parsed once per
 * worker, as key-objects.ts does on the main thread.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createPrivateKey, createSign } = require("node:crypto");
const keys = new Map();
parentPort.on("message", ({ id, pem, message }) => {
  try {
    let key = keys.get(pem);
    if (!key) {
      key = createPrivateKey(pem);
      keys.set(pem, key);
    }
    parentPort.postMessage({ id, signature: createSign("RSA-SHA256").update(message, "utf8").sign(key, "base64") });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.message) || error) });
  }
});
`;

interface Pending {
  readonly resolve: (signature: string) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/**
 * A few worker threads that sign, so a simulator under load (the checkout-load bench: 200
 * checkouts at once, four RSA signatures each at the simulators) does not hold its event loop, and
 * the shop's in the same process, for a millisecond per answer. Each task goes to the worker with
 * the fewest in flight. Hand-written (about 60 lines) for the reason given at WORKER_SOURCE.
 */
export class RsaSignPool implements AnswerSigner {
  private readonly workers: PoolWorker[] = [];
  private nextId = 0;
  private closed = false;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`signing threads must be a whole number of at least 1, got ${threads}`);
    }
    for (let i = 0; i < threads; i++) this.workers.push(this.spawn());
  }

  sign(privateKeyPem: string, message: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error("the signing pool is closed"));
    const target = this.workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      // Referenced while it has work, so a caller awaiting a signature is not left by an exiting loop.
      if (target.pending.size === 0) target.worker.ref();
      target.pending.set(id, { resolve, reject });
      target.worker.postMessage({ id, pem: privateKeyPem, message });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private spawn(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle workers never keep the process alive: a sandbox that was not closed still lets it exit.
    worker.unref();
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.on("message", (m: { id: number; signature?: string; error?: string }) => {
      const task = entry.pending.get(m.id);
      if (!task) return;
      entry.pending.delete(m.id);
      if (entry.pending.size === 0) worker.unref();
      if (m.signature !== undefined) task.resolve(m.signature);
      else task.reject(new Error(`signing failed: ${m.error ?? "no signature"}`));
    });
    const fail = (error: Error) => {
      for (const task of entry.pending.values()) task.reject(error);
      entry.pending.clear();
      const i = this.workers.indexOf(entry);
      // A worker that died is replaced, so one bad task does not shrink the pool.
      if (i >= 0 && !this.closed) this.workers[i] = this.spawn();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.closed) fail(new Error(`signing worker exited with code ${code}`));
    });
    return entry;
  }
}

/** The signer a simulator answers with: `threads` workers, or the calling thread when 0 / omitted. */
export function answerSigner(threads: number | undefined): AnswerSigner {
  return threads === undefined || threads === 0 ? inlineSigner : new RsaSignPool(threads);
}

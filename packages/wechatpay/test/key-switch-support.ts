import { createSign, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { cny, TradeState } from "@paybridge/core";
import { uniqueOutTradeNo as uid } from "@paybridge/core/testkit";
import type { SentNotification, WechatSandbox } from "@paybridge/sandbox";
import { expect } from "vitest";
import type { WechatPayProvider } from "../src/index.js";

/** A merchant's notify endpoint: verifies each notification with whichever provider is deployed now. */
export interface Receiver {
  readonly url: string;
  accepted: number;
  readonly rejected: string[];
  deploy(provider: WechatPayProvider): void;
  close(): Promise<void>;
}

export async function startReceiver(initial: WechatPayProvider): Promise<Receiver> {
  let provider = initial;
  const state = { accepted: 0, rejected: [] as string[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      provider.parseNotification({ headers: req.headers as Record<string, string>, body }).then(
        () => {
          state.accepted += 1;
          res.writeHead(204).end();
        },
        (error: unknown) => {
          state.rejected.push(String(error));
          res.writeHead(500).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    get accepted() {
      return state.accepted;
    },
    rejected: state.rejected,
    deploy: (p) => {
      provider = p;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resolves once the sandbox has had an answer to the first delivery of `n`; bounded so a hang fails. */
export async function firstDelivery(n: SentNotification): Promise<number | undefined> {
  const deadline = Date.now() + 300_000;
  while (n.deliveries.length === 0) {
    if (Date.now() > deadline) throw new Error(`notification ${n.id} was never delivered`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return n.deliveries[0]?.status;
}

/**
 * `count` payments through the real SDK: create (signed answer), pay in the simulator, the
 * notification delivered to the receiver (first attempt must be accepted), query (signed answer).
 * Runs `parallel` at a time; returns the notifications built.
 */
export async function payRound(
  provider: WechatPayProvider,
  sandbox: WechatSandbox,
  receiver: Receiver,
  count: number,
  parallel = 6,
  onEach?: (index: number) => void,
): Promise<SentNotification[]> {
  const built: SentNotification[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      onEach?.(index);
      const outTradeNo = uid("KR");
      await provider.createPayment({
        outTradeNo,
        description: "key switch",
        amount: cny(100),
        method: "native",
        notifyUrl: receiver.url,
      });
      sandbox.control.pay(outTradeNo);
      const n = await sandbox.control.nextNotification(outTradeNo, "trade", 300_000);
      built.push(n);
      expect(await firstDelivery(n), `first delivery of ${outTradeNo}`).toBe(204);
      expect((await provider.queryPayment({ outTradeNo })).state).toBe(TradeState.PAID);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return built;
}

export const attacker = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

/** A notification signed by the attacker under a random (unknown) certificate serial. */
export function forgedNotification(nowMs: number): { headers: IncomingHttpHeaders; body: string } {
  const body = JSON.stringify({
    id: randomBytes(8).toString("hex"),
    event_type: "TRANSACTION.SUCCESS",
    resource_type: "encrypt-resource",
    resource: { algorithm: "AEAD_AES_256_GCM", ciphertext: "AAAA", nonce: "000000000000" },
  });
  const timestamp = Math.floor(nowMs / 1000).toString();
  const nonce = randomBytes(16).toString("hex");
  return {
    headers: {
      "wechatpay-timestamp": timestamp,
      "wechatpay-nonce": nonce,
      "wechatpay-serial": randomBytes(20).toString("hex").toUpperCase(),
      "wechatpay-signature": createSign("RSA-SHA256")
        .update(`${timestamp}\n${nonce}\n${body}\n`)
        .sign(attacker.privateKey, "base64"),
    },
    body,
  };
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type RawNotification, silentLogger } from "@paybridge/core";
import { type ProviderContext } from "@paybridge/core/provider-kit";
import type { ConformanceHarness } from "@paybridge/core/testkit";
import { type AlipaySandbox, type AlipaySandboxOptions, startAlipaySandbox } from "@paybridge/sandbox";
import { type AlipayConfigInput, AlipayProvider } from "../src/index.js";

/** A merchant notify endpoint on 127.0.0.1 that answers what the test tells it to. */
export interface MerchantReceiver {
  readonly url: string;
  readonly bodies: string[];
  answer: string;
  close(): Promise<void>;
}

export async function startMerchantReceiver(): Promise<MerchantReceiver> {
  const bodies: string[] = [];
  const receiver = { url: "", bodies, answer: "success", close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(receiver.answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alipay/notify`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

export const context = (merchantId = "alipay-test"): ProviderContext => ({
  merchantId,
  logger: silentLogger,
  clock: () => new Date(),
});

export function providerFor(
  sandbox: AlipaySandbox,
  overrides: Partial<AlipayConfigInput> = {},
): AlipayProvider {
  return new AlipayProvider({ ...sandbox.merchantConfig(), timeoutMs: 1500, ...overrides }, context());
}

/** Raw notification as an HTTP server would hand it to parseNotification. */
export function rawNotification(headers: Readonly<Record<string, string>>, body: string): RawNotification {
  return { headers: { ...headers }, body };
}

export interface AlipayHarness extends ConformanceHarness {
  readonly sandbox: AlipaySandbox;
  readonly receiver: MerchantReceiver;
}

export async function alipayHarness(options: AlipaySandboxOptions = {}): Promise<AlipayHarness> {
  const sandbox = await startAlipaySandbox(options);
  const receiver = await startMerchantReceiver();
  const provider = providerFor(sandbox);
  const consumed = new Set<string>();
  return {
    sandbox,
    receiver,
    provider,
    paymentTemplate: { description: "PayBridge 测试订单", method: "native", notifyUrl: receiver.url },
    pay: async (outTradeNo) => {
      await sandbox.pay(outTradeNo);
    },
    // A precreate trade exists at Alipay only once a buyer scans its QR code.
    open: async (outTradeNo) => {
      sandbox.scan(outTradeNo);
    },
    advanceClock: (ms) => sandbox.advanceClock(ms),
    requestCount: async () => sandbox.requestCount(),
    nextNotification: async (outTradeNo, kind) => {
      await sandbox.settled();
      const found = sandbox
        .notifications()
        .find(
          (n) =>
            n.outTradeNo === outTradeNo && n.kind === kind && !consumed.has(`${n.notifyId}#${n.attempt}`),
        );
      if (!found) throw new Error(`no ${kind} notification for ${outTradeNo}`);
      consumed.add(`${found.notifyId}#${found.attempt}`);
      return rawNotification(found.headers, found.body);
    },
    close: async () => {
      await sandbox.close();
      await receiver.close();
    },
  };
}

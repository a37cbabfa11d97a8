import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AlipayProvider } from "@paybridge/alipay";
import { cny, SignatureError, silentLogger } from "@paybridge/core";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Alipay certificate mode across a certificate rotation, through the real alipay-sdk and the
 * signing sandbox: answers name the new alipay_cert_sn, the provider fetches the certificate with
 * alipay.open.app.alipaycert.download and takes it only if it chains to the configured root.
 */

const COOLDOWN_MS = 60_000;

/** A notify endpoint that answers "success" (the bodies are read back from the sandbox). */
async function startReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("success");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`, server };
}

/** A provider clock the test moves (certificate validity and the download cooldown run on it). */
function testClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms: number) => {
      offset += ms;
    },
  };
}

function providerFor(sandbox: AlipaySandbox, clock: () => Date, merchantId = "alipay-rotation") {
  return new AlipayProvider(
    // Generous: the burst runs on a loaded machine, and a rotation generates an RSA key in this process.
    { ...sandbox.merchantConfig(), timeoutMs: 30_000, certificates: { missCooldownMs: COOLDOWN_MS } },
    { merchantId, logger: silentLogger, clock },
  );
}

let seq = 0;
const outTradeNo = (prefix: string) => {
  seq += 1;
  return `${prefix}${Date.now()}${seq}`;
};

async function paidTrade(provider: AlipayProvider, sandbox: AlipaySandbox, notifyUrl: string) {
  const no = outTradeNo("ROT");
  await provider.createPayment({
    outTradeNo: no,
    description: "rotation",
    amount: cny(10_000),
    method: "native",
    notifyUrl,
  });
  await sandbox.pay(no);
  return no;
}

function lastNotification(sandbox: AlipaySandbox, no: string) {
  const note = sandbox
    .notifications()
    .filter((n) => n.outTradeNo === no)
    .at(-1);
  if (!note) throw new Error(`no notification for ${no}`);
  return { headers: { ...note.headers }, body: note.body };
}

describe("alipay certificate rotation end to end", () => {
  let sandbox: AlipaySandbox;
  let receiver: { url: string; server: Server };
  beforeAll(async () => {
    [sandbox, receiver] = await Promise.all([
      startAlipaySandbox({ keyMode: "certificate" }),
      startReceiver(),
    ]);
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
  });

  it("a burst of queries and refunds while the sandbox rotates twice: zero failed calls, one download per new SN", async () => {
    const clock = testClock();
    const provider = providerFor(sandbox, clock.now);
    const configuredSn = sandbox.currentCertSn() ?? "";
    const trades = await Promise.all(
      Array.from({ length: 8 }, () => paidTrade(provider, sandbox, receiver.url)),
    );
    const before = lastNotification(sandbox, trades[0] ?? "");
    const downloadsBefore = sandbox.certificateDownloads().length;

    const CALLS_PER_WORKER = 24;
    const WORKERS = 4;
    let done = 0;
    const failures: unknown[] = [];
    const rotations: Promise<{ alipayCertSn: string }>[] = [];
    const call = async (worker: number, i: number) => {
      const no = trades[(worker * CALLS_PER_WORKER + i) % trades.length] ?? "";
      switch (i % 3) {
        case 0:
          return provider.queryPayment({ outTradeNo: no });
        case 1:
          return provider.refund({
            outTradeNo: no,
            outRefundNo: `${no}R${worker}x${i}`,
            amount: cny(1),
            total: cny(10_000),
          });
        default:
          return provider.queryRefund({ outTradeNo: no, outRefundNo: `${no}R${worker}x${i - 1}` });
      }
    };
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        for (let i = 0; i < CALLS_PER_WORKER; i += 1) {
          try {
            await call(worker, i);
          } catch (err) {
            failures.push(err);
          }
          done += 1;
          // Rotate a third of the way in (new key and SN) and two thirds in (same key, new SN),
          // while the other workers' calls are in flight.
          if (done === 32) rotations.push(sandbox.rotateCertificate());
          if (done === 64) rotations.push(sandbox.rotateCertificate({ keepKey: true }));
        }
      }),
    );
    const [first, second] = await Promise.all(rotations);
    expect(failures).toEqual([]);
    expect(done).toBe(WORKERS * CALLS_PER_WORKER);
    // Calls after the second rotation have run: the last answers named its SN.
    await provider.queryPayment({ outTradeNo: trades[0] ?? "" });
    const held = provider.alipayCertificates?.held ?? [];
    expect(held).toEqual([configuredSn, first?.alipayCertSn, second?.alipayCertSn]);
    // One download per new SN, however many answers named it at once.
    expect(provider.alipayCertificates?.downloads).toBe(2);
    expect(sandbox.certificateDownloads().slice(downloadsBefore)).toEqual([
      first?.alipayCertSn,
      second?.alipayCertSn,
    ]);

    // Notifications carry no SN: one signed before the rotations and one after both verify.
    const paidAfter = await paidTrade(provider, sandbox, receiver.url);
    const after = lastNotification(sandbox, paidAfter);
    await expect(provider.parseNotification(before)).resolves.toMatchObject({ kind: "trade" });
    await expect(provider.parseNotification(after)).resolves.toMatchObject({ kind: "trade" });

    // A merchant still deployed with the original files (not restarted) fetches the new one on its first call.
    const stale = providerFor(sandbox, clock.now, "alipay-stale");
    await expect(stale.queryPayment({ outTradeNo: paidAfter })).resolves.toMatchObject({ state: 3 });
    expect(stale.alipayCertificates?.held).toEqual([configuredSn, second?.alipayCertSn]);
  }, 180_000);

  it("rogue certificates (self-signed, another root with the same name, expired) are refused, naming the SN", async () => {
    const clock = testClock();
    const provider = providerFor(sandbox, clock.now, "alipay-rogue");
    const no = await paidTrade(provider, sandbox, receiver.url);
    // The sandbox rotated in the test before: this fresh merchant fetched the current certificate.
    const downloads = provider.alipayCertificates?.downloads ?? 0;
    // Created while Alipay still signs genuinely, paid once it signs with a rogue key.
    const unpaid = outTradeNo("ROG");
    await provider.createPayment({
      outTradeNo: unpaid,
      description: "rogue",
      amount: cny(500),
      method: "native",
      notifyUrl: receiver.url,
    });
    sandbox.scan(unpaid);
    const reasons = {
      self_signed: /not issued by the configured root/,
      other_root: /signature does not verify with that root's key/,
      expired: /expired/,
    } as const;
    for (const rogue of ["self_signed", "other_root", "expired"] as const) {
      const rotation = await sandbox.rotateCertificate({ rogue });
      const call = provider.queryPayment({ outTradeNo: no });
      await expect(call).rejects.toBeInstanceOf(SignatureError);
      await expect(call).rejects.toThrow(rotation.alipayCertSn);
      await expect(call).rejects.toThrow(reasons[rogue]);
      expect(provider.alipayCertificates?.held).not.toContain(rotation.alipayCertSn);
      // The next unknown SN is fetched only after the cooldown.
      clock.advance(COOLDOWN_MS + 1);
    }
    expect(provider.alipayCertificates?.downloads).toBe(downloads + 3);
    // A notification signed with the rogue key is refused too: no held certificate verifies it.
    await sandbox.pay(unpaid);
    await expect(provider.parseNotification(lastNotification(sandbox, unpaid))).rejects.toBeInstanceOf(
      SignatureError,
    );
    // A genuine rotation afterwards is taken.
    const genuine = await sandbox.rotateCertificate();
    await expect(provider.queryPayment({ outTradeNo: no })).resolves.toMatchObject({ state: 3 });
    expect(provider.alipayCertificates?.held).toContain(genuine.alipayCertSn);
  }, 180_000);

  it("forged answers are still refused: a bad signature with a held SN, and an SN Alipay never issued", async () => {
    const clock = testClock();
    const provider = providerFor(sandbox, clock.now, "alipay-forged");
    const no = await paidTrade(provider, sandbox, receiver.url);
    const downloads = provider.alipayCertificates?.downloads ?? 0;

    sandbox.injectFault({ kind: "bad_signature", method: "alipay.trade.query" });
    const tampered = provider.queryPayment({ outTradeNo: no });
    await expect(tampered).rejects.toBeInstanceOf(SignatureError);
    await expect(tampered).rejects.toThrow(sandbox.currentCertSn() ?? "");
    expect(provider.alipayCertificates?.downloads).toBe(downloads);

    sandbox.injectFault({ kind: "unknown_cert_sn", method: "alipay.trade.refund" });
    const forged = provider.refund({
      outTradeNo: no,
      outRefundNo: `${no}F`,
      amount: cny(1),
      total: cny(10_000),
    });
    await expect(forged).rejects.toBeInstanceOf(SignatureError);
    await expect(forged).rejects.toThrow(/isv\.invalid-alipay-cert-sn|支付宝公钥证书/);
    const asked = sandbox.certificateDownloads().at(-1) ?? "";
    await expect(forged).rejects.toThrow(asked);
    expect(provider.alipayCertificates?.downloads).toBe(downloads + 1);
    expect(provider.alipayCertificates?.held).not.toContain(asked);
  }, 120_000);

  it("M forged answers with unknown SNs cause at most one download per cooldown", async () => {
    const clock = testClock();
    const provider = providerFor(sandbox, clock.now, "alipay-flood");
    const no = await paidTrade(provider, sandbox, receiver.url);
    const asked = sandbox.certificateDownloads().length;
    const downloads = provider.alipayCertificates?.downloads ?? 0;
    const M = 30;
    for (let i = 0; i < M; i += 1)
      sandbox.injectFault({ kind: "unknown_cert_sn", method: "alipay.trade.query" });
    const results = await Promise.allSettled(
      Array.from({ length: M }, () => provider.queryPayment({ outTradeNo: no })),
    );
    expect(results.every((r) => r.status === "rejected" && r.reason instanceof SignatureError)).toBe(true);
    expect(provider.alipayCertificates?.downloads).toBe(downloads + 1);
    expect(sandbox.certificateDownloads().length - asked).toBe(1);

    // Still within the cooldown: more forgeries, no download.
    for (let i = 0; i < 10; i += 1)
      sandbox.injectFault({ kind: "unknown_cert_sn", method: "alipay.trade.query" });
    for (let i = 0; i < 10; i += 1) {
      await expect(provider.queryPayment({ outTradeNo: no })).rejects.toThrow(/not downloaded/);
    }
    expect(provider.alipayCertificates?.downloads).toBe(downloads + 1);
    // After it: one more download for the next burst.
    clock.advance(COOLDOWN_MS + 1);
    for (let i = 0; i < 10; i += 1)
      sandbox.injectFault({ kind: "unknown_cert_sn", method: "alipay.trade.query" });
    await Promise.allSettled(Array.from({ length: 10 }, () => provider.queryPayment({ outTradeNo: no })));
    expect(provider.alipayCertificates?.downloads).toBe(downloads + 2);
    expect(sandbox.certificateDownloads().length - asked).toBe(2);
    // Genuine answers were never affected.
    await expect(provider.queryPayment({ outTradeNo: no })).resolves.toMatchObject({ state: 3 });
  }, 120_000);
});

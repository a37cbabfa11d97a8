import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_OK } from "../src/cli/index.js";
import {
  type AlipayReport,
  alipayCreatePayAndQuery,
  runInProcess,
  type WechatReport,
} from "./cli-harness.js";

const tmp = mkdtempSync(join(tmpdir(), "pb-cli-alipay-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function startJson(argv: string[]) {
  const cli = runInProcess(["--json", ...argv], tmp);
  const out = await cli.ready();
  expect(cli.stderr()).toBe("");
  const report = JSON.parse(out.split("\n")[0] ?? "") as { wechat?: WechatReport; alipay?: AlipayReport };
  return { cli, report };
}

describe.each(["public_key", "certificate"] as const)("paybridge-sandbox --alipay (%s)", (mode) => {
  it("prints the gateway and keys; the real AlipayProvider pays through it", async () => {
    const { cli, report } = await startJson(["--alipay", "--alipay-mode", mode]);
    const alipay = report.alipay as AlipayReport;
    expect(report.wechat).toBeUndefined();
    expect(alipay.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gateway\.do$/);
    expect(alipay.keyMode).toBe(mode);
    expect(alipay.appId).toMatch(/^\d{16}$/);
    if (mode === "certificate") {
      expect(alipay.appCertSn).toMatch(/^[0-9a-f]{32}$/);
      expect(alipay.alipayRootCertSn).toMatch(/^[0-9a-f]{32}$/);
      expect(alipay.pem?.appCertificate).toContain("-----BEGIN CERTIFICATE-----");
    } else {
      expect([alipay.appCertSn, alipay.pem?.appCertificate]).toEqual([null, undefined]);
    }
    await alipayCreatePayAndQuery(alipay);
    cli.signal();
    expect(await cli.exit).toBe(EXIT_OK);
    await expect(fetch(alipay.gatewayUrl)).rejects.toThrow();
  });
});

describe("paybridge-sandbox --alipay-rotate-every-ms", () => {
  /** Polls the printed control route until the sandbox has issued `count` certificates (no fixed budget). */
  async function issuedAtLeast(alipay: AlipayReport, count: number): Promise<string[]> {
    for (let i = 0; ; i += 1) {
      const listed = (await (await fetch(`${alipay.origin}/__sandbox/certificates`)).json()) as {
        issued: string[];
      };
      if (listed.issued.length >= count) return listed.issued;
      if (i > 1200) throw new Error(`only ${listed.issued.length} certificates issued`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("rotates Alipay's certificate on a timer; the real AlipayProvider follows; the root key is kept in --keys-dir", async () => {
    const { cli, report } = await startJson([
      "--alipay",
      "--alipay-mode=certificate",
      "--alipay-rotate-every-ms",
      "1000",
      "--keys-dir",
      "rotating",
    ]);
    const alipay = report.alipay as AlipayReport;
    expect(alipay.control.map((r) => r.url)).toContain(`${alipay.origin}/__sandbox/certificates/rotate`);
    expect(
      statSync(join(tmp, "rotating", "alipay", "simulator", "alipay_root_private_key.pem")).mode & 0o777,
    ).toBe(0o600);
    const issued = await issuedAtLeast(alipay, 2);
    // Configured with the files written at the start: the first answers name a newer SN.
    expect(issued[0]).toBe(alipay.alipayCertSn);
    await alipayCreatePayAndQuery(alipay);
    cli.signal();
    expect(await cli.exit).toBe(EXIT_OK);

    // Read back: the root key is there, so the second run rotates too, from the same root.
    const again = await startJson([
      "--alipay",
      "--alipay-mode=certificate",
      "--alipay-rotate-every-ms=1000",
      "--keys-dir",
      "rotating",
    ]);
    const a2 = again.report.alipay as AlipayReport;
    expect([a2.keysCreated, a2.alipayCertSn, a2.alipayRootCertSn]).toEqual([
      false,
      alipay.alipayCertSn,
      alipay.alipayRootCertSn,
    ]);
    await issuedAtLeast(a2, 2);
    await alipayCreatePayAndQuery(a2);
    again.cli.signal();
    expect(await again.cli.exit).toBe(EXIT_OK);
  }, 180_000);
});

describe("paybridge-sandbox with no simulator flag", () => {
  it("starts WeChat and Alipay together, and a shared --keys-dir keeps each one's keys in its own folder", async () => {
    const first = await startJson(["--keys-dir", "both"]);
    const w1 = first.report.wechat as WechatReport;
    const a1 = first.report.alipay as AlipayReport;
    expect([w1.keysDir, a1.keysDir]).toEqual([join(tmp, "both", "wechat"), join(tmp, "both", "alipay")]);
    expect([w1.keysCreated, a1.keysCreated]).toEqual([true, true]);
    expect(statSync(a1.keyFiles?.appPrivateKey ?? "").mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp, "both", "alipay", "simulator", "alipay_private_key.pem")).mode & 0o777).toBe(
      0o600,
    );
    await alipayCreatePayAndQuery(a1);
    first.cli.signal();
    expect(await first.cli.exit).toBe(EXIT_OK);

    // Written in public-key mode, read back in certificate mode: the certificates were written too.
    const second = await startJson(["--keys-dir", "both", "--alipay", "--alipay-mode=certificate"]);
    const a2 = second.report.alipay as AlipayReport;
    expect(second.report.wechat).toBeUndefined();
    expect(a2.keysCreated).toBe(false);
    expect([a2.appId, a2.sellerId, a2.keyFiles]).toEqual([a1.appId, a1.sellerId, a1.keyFiles]);
    await alipayCreatePayAndQuery(a2);
    second.cli.signal();
    expect(await second.cli.exit).toBe(EXIT_OK);

    // And the certificate SNs are the same run after run.
    const third = await startJson(["--keys-dir", "both", "--alipay", "--alipay-mode=certificate"]);
    const a3 = third.report.alipay as AlipayReport;
    expect([a3.appCertSn, a3.alipayCertSn, a3.alipayRootCertSn]).toEqual([
      a2.appCertSn,
      a2.alipayCertSn,
      a2.alipayRootCertSn,
    ]);
    third.cli.signal();
    expect(await third.cli.exit).toBe(EXIT_OK);
  });
});

describe("paybridge-sandbox --alipay human-readable output", () => {
  it("prints the gateway, ids, SNs and each control route with a curl", async () => {
    const cli = runInProcess(["--alipay", "--alipay-mode", "certificate"], tmp);
    const out = await cli.ready();
    const gateway = /gateway\s+(http:\/\/127\.0\.0\.1:\d+)\/gateway\.do/.exec(out)?.[1] ?? "";
    expect(gateway).not.toBe("");
    expect(out).toMatch(/appId\s+\d{16}/);
    expect(out).toMatch(/sellerId\s+\d{16}/);
    for (const sn of ["app_cert_sn", "alipay_cert_sn", "alipay_root_cert_sn"]) {
      expect(out).toMatch(new RegExp(`${sn}\\s+[0-9a-f]{32}`));
    }
    expect(out).toContain(`curl -s -X POST '${gateway}/__sandbox/trades/YOUR_OUT_TRADE_NO/pay'\n`);
    expect(out).toContain(
      `curl -s -X POST '${gateway}/__sandbox/clock/advance' -H 'Content-Type: application/json' -d '{"ms":60000}'`,
    );
    expect(out).toContain(`curl -s '${gateway}/__sandbox/notifications'`);
    expect(out).not.toContain("WeChat Pay APIv3 simulator");
    cli.signal("SIGTERM");
    expect(await cli.exit).toBe(EXIT_OK);
  });
});

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger, systemClock, TradeState } from "@paybridge/core";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT_OK, EXIT_START_FAILED, EXIT_USAGE } from "../src/cli/index.js";
import {
  callControl,
  createPayAndQuery,
  providerFromReport,
  runInProcess,
  type WechatReport,
} from "./cli-harness.js";

const tmp = mkdtempSync(join(tmpdir(), "pb-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function startJson(argv: string[]) {
  const cli = runInProcess(["--json", ...argv], tmp);
  const out = await cli.ready();
  expect(cli.stderr()).toBe("");
  const report = JSON.parse(out.split("\n")[0] ?? "") as { wechat: WechatReport };
  return { cli, wechat: report.wechat };
}

describe.each(["platform_certificate", "public_key"] as const)("paybridge-sandbox --json (%s)", (mode) => {
  it("prints endpoint, ids and keys; the real WechatPayProvider pays through it; SIGINT closes it", async () => {
    const { cli, wechat } = await startJson(["--wechat", `--wechat-mode=${mode}`]);
    expect(wechat.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(wechat.keyMode).toBe(mode);
    expect(wechat.mchid).toMatch(/^\d+$/);
    expect(wechat.apiV3Key).toHaveLength(32);
    expect(wechat.wechatpaySerial).toBe(
      mode === "public_key" ? wechat.wechatpayPublicKeyId : wechat.platformCertificateSerial,
    );
    expect([wechat.keysDir, wechat.keyFiles]).toEqual([null, null]);
    expect(wechat.pem?.merchantPrivateKey).toContain("-----BEGIN PRIVATE KEY-----");

    const outTradeNo = await createPayAndQuery(wechat);

    // The printed providerConfig is a working WechatPayProvider configuration as it stands.
    const direct = new WechatPayProvider(wechat.providerConfig, {
      merchantId: "cli-direct",
      clock: systemClock,
      logger: silentLogger,
    });
    expect((await direct.queryPayment({ outTradeNo })).state).toBe(TradeState.PAID);

    // The printed notifications route finds the signed TRANSACTION.SUCCESS the sandbox sent.
    const listRoute = wechat.control.find((c) => c.purpose.startsWith("list notifications"));
    const listUrl = (listRoute?.url ?? "").replace("YOUR_OUT_TRADE_NO", outTradeNo);
    const listed = (await (await fetch(listUrl)).json()) as {
      notifications: { eventType: string; url: string }[];
    };
    expect(listed.notifications.map((n) => [n.eventType, n.url])).toEqual([
      ["TRANSACTION.SUCCESS", wechat.notifySink],
    ]);

    // The credentials route serves the same keys the JSON printed.
    const creds = (await (await fetch(wechat.credentialsUrl)).json()) as {
      merchants: {
        mchid: string;
        privateKey: string;
        merchantSerialNo: string;
        wechatpayPublicKey: string;
      }[];
    };
    expect(creds.merchants).toHaveLength(1);
    expect(creds.merchants[0]).toMatchObject({
      mchid: wechat.mchid,
      privateKey: wechat.pem?.merchantPrivateKey,
      merchantSerialNo: wechat.merchantSerialNo,
      wechatpayPublicKey: wechat.pem?.wechatpayPublicKey,
    });

    cli.signal("SIGTERM");
    expect(await cli.exit).toBe(EXIT_OK);
    await expect(fetch(wechat.credentialsUrl)).rejects.toThrow();
  });
});

describe("paybridge-sandbox control API as printed", () => {
  it("fails an order, injects a fault the provider sees, advances the clock", async () => {
    const { cli, wechat } = await startJson([]);
    try {
      const provider = providerFromReport(wechat);
      const outTradeNo = `CLIFAIL${Date.now()}`;
      await provider.createPayment({
        outTradeNo,
        description: "fail me",
        amount: { fen: 100, currency: "CNY" },
        method: "native",
        notifyUrl: wechat.notifySink,
      });
      expect((await callControl(wechat, /^fail an order/, { out_trade_no: outTradeNo })).status).toBe(200);
      const failed = await provider.queryPayment({ outTradeNo });
      expect([failed.state, failed.rawStatus]).toEqual([TradeState.FAILED, "PAYERROR"]);

      const fault = await callControl(wechat, /^inject a fault/, {
        kind: "SYSTEM_ERROR",
        operation: "query_order",
      });
      expect(fault).toEqual({ status: 200, body: { ok: true } });
      await expect(provider.queryPayment({ outTradeNo })).rejects.toMatchObject({
        providerCode: "SYSTEM_ERROR",
      });
      expect((await provider.queryPayment({ outTradeNo })).state).toBe(TradeState.FAILED);

      expect(await callControl(wechat, /^advance the sandbox clock/, { ms: 1000 })).toEqual({
        status: 200,
        body: { ok: true },
      });
      const bad = await callControl(wechat, /^advance the sandbox clock/, { ms: "soon" });
      expect(bad.status).toBe(400);
    } finally {
      cli.signal();
      expect(await cli.exit).toBe(EXIT_OK);
    }
  });
});

describe("paybridge-sandbox --keys-dir", () => {
  it("writes keys on the first run and reads the same keys on the second (same serials)", async () => {
    const first = await startJson(["--keys-dir", "keys"]);
    const w1 = first.wechat;
    expect(w1.keysDir).toBe(join(tmp, "keys", "wechat"));
    expect(w1.keysCreated).toBe(true);
    expect(w1.pem).toBeNull();
    expect(w1.keyFiles?.merchantPrivateKey).toBe(join(tmp, "keys", "wechat", "apiclient_key.pem"));
    expect(statSync(w1.keyFiles?.merchantPrivateKey ?? "").mode & 0o777).toBe(0o600);
    expect(statSync(w1.keyFiles?.merchant ?? "").mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp, "keys", "wechat", "simulator", "platform_cert_key.pem")).mode & 0o777).toBe(
      0o600,
    );
    await createPayAndQuery(w1);
    first.cli.signal();
    expect(await first.cli.exit).toBe(EXIT_OK);

    // The same folder in the other key mode: one key set serves both.
    const second = await startJson([`--keys-dir=${join(tmp, "keys")}`, "--wechat-mode", "public_key"]);
    const w2 = second.wechat;
    expect(w2.keysCreated).toBe(false);
    expect(w2.origin).not.toBe(w1.origin);
    for (const field of [
      "mchid",
      "appid",
      "merchantSerialNo",
      "platformCertificateSerial",
      "wechatpayPublicKeyId",
      "apiV3Key",
      "keyFiles",
    ] as const) {
      expect(w2[field], field).toEqual(w1[field]);
    }
    await createPayAndQuery(w2);
    second.cli.signal();
    expect(await second.cli.exit).toBe(EXIT_OK);
  });
});

describe("paybridge-sandbox human-readable output", () => {
  it("prints each endpoint, id, serial, key, file and control route with a curl", async () => {
    const cli = runInProcess(["--keys-dir", "text-keys", "--wechat=0"], tmp);
    const out = await cli.ready();
    const origin = /origin\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1] ?? "";
    expect(origin).not.toBe("");
    const keysDir = join(tmp, "text-keys", "wechat");
    for (const label of ["mchid", "appid", "merchant serial_no", "platform cert serial", "APIv3 key"]) {
      expect(out).toMatch(new RegExp(`\\n  ${label}\\s+\\S+`));
    }
    expect(out).toMatch(/public key id\s+PUB_KEY_ID_\d+/);
    expect(out).toContain(`merchant private key   ${join(keysDir, "apiclient_key.pem")}`);
    expect(out).toContain(join(keysDir, "pub_key.pem"));
    expect(out).toContain(`Keys generated and written to ${keysDir}`);
    for (const action of ["pay", "fail", "never-pay", "advance", "fault", "refund-outcome"]) {
      expect(out).toContain(`curl -s -X POST '${origin}/sandbox/control/${action}'`);
    }
    for (const route of ["notifications?out_trade_no=YOUR_OUT_TRADE_NO", "requests", "credentials"]) {
      expect(out).toContain(`curl -s '${origin}/sandbox/control/${route}'`);
    }
    cli.signal();
    expect(await cli.exit).toBe(EXIT_OK);
    expect(cli.stdout()).toMatch(/Received SIGINT; simulators stopped\.\n$/);
  });

  it("without --keys-dir says where the in-memory keys can be fetched", async () => {
    const cli = runInProcess([], tmp);
    const out = await cli.ready();
    expect(out).toMatch(
      /Keys live in memory for this run only\. Get the PEMs with\n\s+curl -s 'http:\/\/127\.0\.0\.1:\d+\/sandbox\/control\/credentials'/,
    );
    cli.signal();
    expect(await cli.exit).toBe(EXIT_OK);
  });
});

describe("paybridge-sandbox failures", () => {
  it("exits 2 on a bad flag, naming it, without starting anything", async () => {
    const cli = runInProcess(["--wechat-mode=cert"], tmp);
    expect(await cli.exit).toBe(EXIT_USAGE);
    expect(cli.stdout()).toBe("");
    expect(cli.stderr()).toBe(
      'paybridge-sandbox: --wechat-mode: must be one of platform_certificate, public_key, switch, not "cert"\n' +
        "Run paybridge-sandbox --help for the options.\n",
    );
  });

  it("exits 2 for a non-loopback host unless --allow-remote", async () => {
    const cli = runInProcess(["--host", "0.0.0.0"], tmp);
    expect(await cli.exit).toBe(EXIT_USAGE);
    expect(cli.stderr()).toContain("--host: 0.0.0.0 is not a loopback address");
  });

  it("exits 1 when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const cli = runInProcess([`--wechat=${port}`], tmp);
      expect(await cli.exit).toBe(EXIT_START_FAILED);
      expect(cli.stderr()).toBe(
        `paybridge-sandbox: could not start: port ${port} is already in use; pick another or use 0\n`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("exits 1 naming the files when --keys-dir holds half a key set", async () => {
    const first = await startJson(["--keys-dir", "half"]);
    first.cli.signal();
    await first.cli.exit;
    rmSync(first.wechat.keyFiles?.merchantCertificate ?? "");
    const cli = runInProcess(["--keys-dir", "half"], tmp);
    expect(await cli.exit).toBe(EXIT_START_FAILED);
    expect(cli.stderr()).toContain("holds an incomplete key set: missing apiclient_cert.pem");
  });

  it("--help prints the usage and exits 0", async () => {
    const cli = runInProcess(["--help"], tmp);
    expect(await cli.exit).toBe(EXIT_OK);
    expect(cli.stdout()).toContain("Usage: paybridge-sandbox [options]");
    for (const flag of [
      "--wechat[=PORT]",
      "--host",
      "--allow-remote",
      "--keys-dir",
      "--wechat-mode",
      "--json",
    ]) {
      expect(cli.stdout()).toContain(flag);
    }
  });
});

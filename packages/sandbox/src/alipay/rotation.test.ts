import { X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certSn, rsaRootOf } from "./certificates.js";
import { formatBeijing } from "./clock.js";
import { type AlipaySandbox, startAlipaySandbox } from "./sandbox.js";
import { requestSignContent, rsa2Sign, rsa2Verify } from "./signing.js";

/** One signed gateway call without any SDK; returns the raw answer text and its parts. */
async function call(sandbox: AlipaySandbox, method: string, biz: object) {
  const certs = sandbox.certificates;
  if (!certs) throw new Error("certificate mode");
  const params: Record<string, string> = {
    app_id: sandbox.appId,
    method,
    charset: "utf-8",
    sign_type: "RSA2",
    timestamp: formatBeijing(new Date()),
    version: "1.0",
    biz_content: JSON.stringify(biz),
    app_cert_sn: certs.appCertSn,
    alipay_root_cert_sn: certs.alipayRootCertSn,
  };
  params.sign = rsa2Sign(requestSignContent(params), sandbox.appKeys.privateKey);
  const res = await fetch(sandbox.gatewayUrl, { method: "POST", body: new URLSearchParams(params) });
  const text = await res.text();
  const body = JSON.parse(text) as Record<string, Record<string, string>> & {
    sign?: string;
    alipay_cert_sn?: string;
  };
  const inner = text.slice(text.indexOf(":") + 1, text.lastIndexOf(',"alipay_cert_sn"'));
  return { text, body, response: body[`${method.replaceAll(".", "_")}_response`] ?? {}, inner };
}

const download = async (sandbox: AlipaySandbox, sn: string) =>
  (await call(sandbox, "alipay.open.app.alipaycert.download", { alipay_cert_sn: sn })).response;

/** Whether `pem` is issued by the RSA root of `bundle` and valid now (what a merchant must check). */
function chainsTo(pem: string, bundle: string): boolean {
  const cert = new X509Certificate(pem);
  const root = new X509Certificate(rsaRootOf(bundle).toString("pem"));
  const now = Date.now();
  return (
    cert.checkIssued(root) &&
    cert.verify(root.publicKey) &&
    Date.parse(cert.validFrom) <= now &&
    now <= Date.parse(cert.validTo)
  );
}

describe("alipay sandbox certificate rotation", () => {
  let sandbox: AlipaySandbox;
  beforeAll(async () => {
    sandbox = await startAlipaySandbox({ keyMode: "certificate" });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("rotates to a new certificate from the same root; answers carry the new SN and verify with the new key only", async () => {
    const certs = sandbox.certificates;
    if (!certs) throw new Error("certificate mode");
    const first = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
    expect(first.body.alipay_cert_sn).toBe(certs.alipayCertSn);

    const rotation = await sandbox.rotateCertificate();
    expect(rotation.previousCertSn).toBe(certs.alipayCertSn);
    expect(rotation.alipayCertSn).not.toBe(certs.alipayCertSn);
    expect(certSn(rotation.certificate)).toBe(rotation.alipayCertSn);
    expect(chainsTo(rotation.certificate, certs.alipayRootCertContent)).toBe(true);
    expect(sandbox.currentCertSn()).toBe(rotation.alipayCertSn);

    const after = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
    expect(after.body.alipay_cert_sn).toBe(rotation.alipayCertSn);
    const newKey = new X509Certificate(rotation.certificate).publicKey;
    expect(
      rsa2Verify(
        after.inner,
        after.body.sign ?? "",
        newKey.export({ type: "spki", format: "pem" }) as string,
      ),
    ).toBe(true);
    // A new key by default: the old certificate's key no longer verifies.
    expect(rsa2Verify(after.inner, after.body.sign ?? "", sandbox.alipayKeys.publicKey)).toBe(false);

    // The download serves both SNs, unsigned, as base64 of the PEM.
    const old = await download(sandbox, certs.alipayCertSn);
    expect(old.code).toBe("10000");
    expect(Buffer.from(old.alipay_cert_content ?? "", "base64").toString("utf8")).toBe(
      certs.alipayPublicCertContent,
    );
    const fresh = await call(sandbox, "alipay.open.app.alipaycert.download", {
      alipay_cert_sn: rotation.alipayCertSn,
    });
    expect(fresh.body.sign).toBeUndefined();
    expect(Buffer.from(fresh.response.alipay_cert_content ?? "", "base64").toString("utf8")).toBe(
      rotation.certificate,
    );
    const unknown = await download(sandbox, "0123456789abcdef0123456789abcdef");
    expect(unknown).toMatchObject({ code: "40004", sub_code: "isv.invalid-alipay-cert-sn" });
    expect(unknown.alipay_cert_content).toBeUndefined();
    expect(sandbox.certificateDownloads()).toHaveLength(3);
  });

  it("keepKey reissues the certificate over the same key (what the public page describes)", async () => {
    const before = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
    const rotation = await sandbox.rotateCertificate({ keepKey: true });
    const after = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
    expect(after.body.alipay_cert_sn).toBe(rotation.alipayCertSn);
    expect(before.body.alipay_cert_sn).not.toBe(rotation.alipayCertSn);
    const key = new X509Certificate(rotation.certificate).publicKey.export({ type: "spki", format: "pem" });
    expect(rsa2Verify(before.inner, before.body.sign ?? "", key as string)).toBe(true);
  });

  it("serves rogue certificates that do not chain to the merchant's root", async () => {
    const bundle = sandbox.certificates?.alipayRootCertContent ?? "";
    for (const rogue of ["self_signed", "other_root", "expired"] as const) {
      const rotation = await sandbox.rotateCertificate({ rogue });
      expect(rotation.rogue).toBe(rogue);
      expect(chainsTo(rotation.certificate, bundle)).toBe(false);
      const served = await download(sandbox, rotation.alipayCertSn);
      expect(Buffer.from(served.alipay_cert_content ?? "", "base64").toString("utf8")).toBe(
        rotation.certificate,
      );
      const answer = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
      expect(answer.body.alipay_cert_sn).toBe(rotation.alipayCertSn);
    }
    // The other root carries the genuine root's name: only the signature tells them apart.
    const other = await sandbox.rotateCertificate({ rogue: "other_root" });
    const cert = new X509Certificate(other.certificate);
    const root = new X509Certificate(rsaRootOf(bundle).toString("pem"));
    expect(cert.checkIssued(root)).toBe(true);
    expect(cert.verify(root.publicKey)).toBe(false);
    // Back to a genuine certificate.
    const genuine = await sandbox.rotateCertificate();
    expect(chainsTo(genuine.certificate, bundle)).toBe(true);
  });

  it("the unknown_cert_sn fault forges an answer with an SN never issued", async () => {
    sandbox.injectFault({ kind: "unknown_cert_sn", method: "alipay.trade.query" });
    const forged = await call(sandbox, "alipay.trade.query", { out_trade_no: "NONE" });
    const sn = forged.body.alipay_cert_sn ?? "";
    expect(sn).toMatch(/^[0-9a-f]{32}$/);
    expect((await download(sandbox, sn)).code).toBe("40004");
  });

  it("rotation over the control API", async () => {
    const res = await fetch(`${sandbox.origin}/__sandbox/certificates/rotate`, {
      method: "POST",
      body: JSON.stringify({ keep_key: false }),
    });
    const body = (await res.json()) as { alipay_cert_sn: string; previous_cert_sn: string };
    expect(res.status).toBe(200);
    expect(body.alipay_cert_sn).toBe(sandbox.currentCertSn());
    const listed = (await (await fetch(`${sandbox.origin}/__sandbox/certificates`)).json()) as {
      alipay_cert_sn: string;
      issued: string[];
    };
    expect(listed.alipay_cert_sn).toBe(body.alipay_cert_sn);
    expect(listed.issued).toContain(body.previous_cert_sn);
    const bad = await fetch(`${sandbox.origin}/__sandbox/certificates/rotate`, {
      method: "POST",
      body: JSON.stringify({ rogue: "nonsense" }),
    });
    expect(bad.status).toBe(400);
  });

  it("public-key mode has no certificate to rotate", async () => {
    const plain = await startAlipaySandbox();
    try {
      await expect(plain.rotateCertificate()).rejects.toThrow(/certificate mode/);
    } finally {
      await plain.close();
    }
  });
});

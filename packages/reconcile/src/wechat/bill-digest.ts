import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { BillFormatError } from "../bill-format-error.js";

export interface BillDigest {
  /** hash_type from /v3/bill/tradebill or /v3/bill/fundflowbill; the pages document SHA1 only. */
  readonly hashType: string;
  readonly hashValue: string;
  /** Whether the bill was requested with tar_type=GZIP. */
  readonly gzip: boolean;
}

/**
 * The downloaded bill body (https://pay.weixin.qq.com/wiki/doc/apiv3/apis/chapter7_3_9.shtml),
 * gunzipped when requested with tar_type=GZIP, passed through while SHA1 is computed over the
 * original (decompressed) bill, as hash_value is defined on https://pay.weixin.qq.com/doc/v3/merchant/4012556654
 * ("原始账单(gzip需要解压缩)的摘要值"). A mismatch errors the stream at its end, so a parser reading
 * it throws before returning: a damaged bill is never reconciled. Constant memory.
 */
export function verifiedBillStream(body: Readable, digest: BillDigest): Readable {
  if (digest.hashType !== "SHA1")
    throw new BillFormatError("WeChat bill", 0, `hash_type ${JSON.stringify(digest.hashType)} is not SHA1`);
  if (!/^[0-9a-f]{40}$/i.test(digest.hashValue))
    throw new BillFormatError("WeChat bill", 0, "hash_value must be 40 hex digits");
  const hash = createHash("sha1");
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const got = hash.digest("hex");
      if (got.toLowerCase() !== digest.hashValue.toLowerCase()) {
        done(
          new BillFormatError(
            "WeChat bill",
            0,
            `SHA1 of the downloaded bill is ${got}, hash_value said ${digest.hashValue}`,
          ),
        );
      } else done();
    },
  });
  const source = digest.gzip ? body.pipe(createGunzip()) : body;
  if (digest.gzip) body.on("error", (e) => source.destroy(e));
  source.on("error", (e) => check.destroy(e));
  return source.pipe(check);
}

/**
 * A bill WeChat sends in parts (申请单个子商户资金账单 splits a file past about 16 GB; each part has
 * its own hash_value, https://pay.weixin.qq.com/doc/v3/partner/4014314390), each checked as
 * verifiedBillStream checks one file and joined in bill_sequence order, as the page says to merge
 * them. The parts are read one after another, so only one is open at a time.
 */
export function verifiedBillParts(parts: readonly (BillDigest & { readonly body: Readable })[]): Readable {
  return Readable.from(
    (async function* () {
      for (const part of parts) yield* verifiedBillStream(part.body, part);
    })(),
    { objectMode: false },
  );
}

import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { infoSnapshotLines } from "./__fixtures__/csv-info-lines.js";
import { type NumberedCsvOptions, numberedCsvRecords } from "./numbered-csv.js";

async function numbered(input: readonly (Buffer | string)[] | Readable, options?: NumberedCsvOptions) {
  const out: { record: string[]; line: number }[] = [];
  for await (const r of numberedCsvRecords(input instanceof Readable ? input : Readable.from(input), options))
    out.push({ record: r.record, line: r.line });
  return out;
}

/** The text cut into pieces of `size` bytes, as a stream may hand it over (cuts can split a UTF-8 character). */
const cut = (text: string, size: number) => {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) out.push(bytes.subarray(at, at + size));
  return out;
};

const TEXTS = [
  "\uFEFF交易时间,商户订单号\r\n`2026-03-01 09:00:00,`A1\r\n`2026-03-01 10:00:00,`A2\r\n",
  "a,b\r\n\r\n\r\nc,d\r\n  \r\n,\r\ne,f",
  "a,b\nc,d\n\ne,f\n",
  "a,b\rc,d\r\re,f\r",
  'a,"x\r\ny",z\r\nc,"q""uote",d\r\ne,f\r\n',
  'a,"multi\nline\nvalue"\nb,c\n',
  'a,b"c,d\r\ne,"f""",g\r\n',
  "总交易单数,应结订单总金额\r\n`2,`12.34\r\n\r\n",
];

describe("numberedCsvRecords", () => {
  it("gives every record the line csv-parse's info snapshot gives it, however the bytes are cut", async () => {
    for (const text of TEXTS) {
      const expected = await infoSnapshotLines([Buffer.from(text)]);
      expect(expected.length).toBeGreaterThan(1);
      for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
        expect(await numbered(cut(text, size)), `${JSON.stringify(text)} in ${size}-byte pieces`).toEqual(
          expected,
        );
      }
    }
  });

  it("with trim (Alipay's padded values), on decoded text as on bytes, gives the snapshot's lines too", async () => {
    const padded = [
      ...TEXTS,
      "#title\r\n a\t, b \r\n\t\r\n  c ,\td\t\r\n\r\n#total\r\n",
      ' a ,"x\r\n y " ,z\t\r\n\r\n b\t,"q""u",\t\r\n',
    ];
    for (const text of padded) {
      const expected = await infoSnapshotLines([text], { trim: true });
      expect(expected.length).toBeGreaterThan(1);
      expect(await numbered([text], { trim: true }), JSON.stringify(text)).toEqual(expected);
      for (const size of [1, 3, 64]) {
        expect(await numbered(cut(text, size), { trim: true }), `${JSON.stringify(text)} in ${size}`).toEqual(
          expected,
        );
      }
    }
    expect((await numbered([" a\t, b \r\n"], { trim: true }))[0]?.record).toEqual(["a", "b"]);
  });

  it("numbers a record by the line of the file it ends on, counting blank lines and lines inside a value", async () => {
    const rows = await numbered([Buffer.from('a,b\r\n\r\nc,"d\ne"\r\nf,g\r\n')]);
    expect(rows.map((r) => r.line)).toEqual([1, 4, 5]);
    expect(rows[1]?.record).toEqual(["c", "d\ne"]);
  });

  it("counts a width mismatch only where the width changes, not on every row after a narrow first line", async () => {
    // csv-parse builds an error object per mismatching record (numbered-csv.ts says why this matters);
    // its public info.invalid_field_length counts them (https://csv.js.org/parse/info/).
    const text = `#title\r\n${"a,b,c\r\n".repeat(1000)}#total\r\n`;
    const records = numberedCsvRecords(Readable.from([text]), { trim: true });
    let n = 0;
    for await (const _ of records) n += 1;
    expect(n).toBe(1002);
    expect((records as unknown as { info: { invalid_field_length: number } }).info.invalid_field_length).toBe(
      2,
    );
  });

  it("passes a read error of the input on to the reader", async () => {
    const input = new Readable({ read() {} });
    const reading = numbered(input);
    input.push(Buffer.from("a,b\r\n"));
    setImmediate(() => input.destroy(new Error("disk gone")));
    await expect(reading).rejects.toThrow(/disk gone/);
  });
});

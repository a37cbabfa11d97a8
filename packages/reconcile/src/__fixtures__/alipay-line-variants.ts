import { infoSnapshotLines } from "./csv-info-lines.js";

/**
 * The texts an Alipay bill parser's line numbers are checked on: `base` (\r\n endings) and the same
 * with \n endings; `spaced` (blank lines, and `value` somewhere quoted over two lines with a bare
 * \n) in both endings; and `spaced` with that break written \r\n, which csv-parse counts as two
 * lines (its \r and its \n each end one).
 */
export function alipayLineVariants(base: string, spaced: string, value: string): Record<string, string> {
  return {
    "\\r\\n endings": base,
    "\\n endings": base.replaceAll("\r\n", "\n"),
    "blank lines and a two-line quoted value": spaced,
    "the same with \\n endings": spaced.replaceAll("\r\n", "\n"),
    "a \\r\\n inside the quoted value": crlfInValue(spaced, value),
  };
}

/** `spaced` with the line break inside `value` written \r\n. */
export function crlfInValue(spaced: string, value: string): string {
  const crlf = value.replace("\n", "\r\n");
  if (!spaced.includes(value) || crlf === value) throw new Error("the value with a \\n is not in the text");
  return spaced.replace(value, crlf);
}

/**
 * The lines csv-parse's info snapshot gives an Alipay bill (GBK decoded, values trimmed): of each
 * detail row (the records after the header, the first one not starting "#") and of the first
 * footer starting `footer`.
 */
export async function alipaySnapshotLines(
  text: string,
  footer: string,
): Promise<{ rows: number[]; footer: number | undefined }> {
  const all = await infoSnapshotLines(text, { trim: true });
  const body = all.filter((r) => !(r.record[0] ?? "").startsWith("#")).slice(1);
  return {
    rows: body.map((r) => r.line),
    footer: all.find((r) => (r.record[0] ?? "").startsWith(footer))?.line,
  };
}

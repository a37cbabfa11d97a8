/** Citations a reader cannot open, and machine paths: what no file in the repository or a tarball may carry. */
// Comments, docs and shipped declarations must cite what a reader can open: the providers' public
// pages (pay.weixin.qq.com, developers.weixin.qq.com, opendocs.alipay.com) or this repository's
// own docs/. These patterns catch citations of documents that exist only outside the repository,
// and paths of a developer's machine. The sources below are written so this file does not match
// itself (a backslash or a character class sits inside each word).
export const FORBIDDEN: readonly { readonly why: string; readonly pattern: RegExp }[] = [
  { why: "cites an unpublished reference document", pattern: /\bseeds? ?(?:doc|document)s?\b/i },
  { why: "cites a numbered unpublished reference", pattern: /\bseeds? ?0\d\d\b/i },
  { why: "cites an unpublished reference's text", pattern: /\bseeds'|\bthe seed's\b/i },
  { why: "cites a design document outside the repository", pattern: /\bDESIG[N]\.md\b/ },
  { why: "cites an unshipped reference folder", pattern: /shared\/referenc[e]/ },
  { why: "names a machine path", pattern: /(?:^|[\s"'`(])\/work\/[a-z]|\/tmp\/(?:note[s]|is[s]|paybridge-)/ },
  { why: "names a private project", pattern: /farm-studi[o]/i },
];

/** Each line of `text` that matches a pattern, as "label:line: why: text". */
export function citationOffences(label: string, text: string): string[] {
  const found: string[] = [];
  if (text.includes("\0")) return found;
  text.split("\n").forEach((line, i) => {
    for (const { why, pattern } of FORBIDDEN) {
      if (pattern.test(line)) found.push(`${label}:${i + 1}: ${why}: ${line.trim().slice(0, 160)}`);
    }
  });
  return found;
}

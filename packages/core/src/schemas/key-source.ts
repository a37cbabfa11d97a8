import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Where an operator keeps a key or certificate: the PEM (or other text) itself, a Buffer of it, a
 * file path (`{ file }`), or an environment variable (`{ env }`) that holds the text. Resolved
 * once, when the provider's config is parsed: before any network call.
 */
export type KeySource = string | Uint8Array | { readonly file: string } | { readonly env: string };

const sourceShape = z.union(
  [
    z.string(),
    z.instanceof(Uint8Array),
    z.strictObject({ file: z.string().min(1, { error: "must be a file path" }) }),
    z.strictObject({
      env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "must be an environment variable name" }),
    }),
  ],
  { error: "must be the text itself, a Buffer, { file: path } or { env: NAME }" },
);

/**
 * A key source resolved to its text. Errors name the field (the path parseInput adds) and the
 * file or variable, never the key: the text read is never part of a message.
 */
export function keySourceSchema() {
  return sourceShape.transform((source, ctx): string => {
    if (typeof source === "string") return source;
    if (source instanceof Uint8Array) return Buffer.from(source).toString("utf8");
    if ("file" in source) {
      try {
        return readFileSync(source.file, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
        ctx.addIssue({ code: "custom", message: `file ${source.file} cannot be read (${code})` });
        return z.NEVER;
      }
    }
    const value = process.env[source.env];
    if (value === undefined || value === "") {
      ctx.addIssue({ code: "custom", message: `environment variable ${source.env} is not set` });
      return z.NEVER;
    }
    // One-line variables (.env files, CI secrets) often hold a PEM with its newlines written as \n.
    return value.includes("\n") || !value.includes("\\n") ? value : value.replace(/\\n/g, "\n");
  });
}

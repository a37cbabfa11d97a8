import { readFile } from "node:fs/promises";
import type { FastifyInstance } from "fastify";

const publicDir = new URL("../../public/", import.meta.url);

const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript", css: "text/css" } as const;

/**
 * Serves the files under public/ that exist at start-up, by exact name: a request can never name
 * a path outside the folder, and an unknown file is a plain 404.
 */
export async function registerStaticFiles(app: FastifyInstance, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const body = await readFile(new URL(file, publicDir));
    const ext = file.slice(file.lastIndexOf(".") + 1) as keyof typeof TYPES;
    app.get(`/${file}`, async (_req, reply) => reply.type(TYPES[ext]).send(body));
  }
}

export async function pageHtml(name: string): Promise<Buffer> {
  return readFile(new URL(name, publicDir));
}

// The "A gateway for sub-merchants against the CLI" example, run as written: its ```sh command and
// ```ts program are extracted at test time from packages/sandbox/README.md, docs/sandbox.md and
// docs/service-provider.md (the three must carry the same blocks), the command is started as a
// process with the printed JSON written to sandbox.json, and the program runs in its own Node
// process beside it. It must place one order for each of the four sub-merchants.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const bin = join(root, "packages/sandbox/dist/esm/cli/bin.js");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const HEADING = "A gateway for sub-merchants against the CLI";
const FILES = ["packages/sandbox/README.md", "docs/sandbox.md", "docs/service-provider.md"];

/** The first ```sh and the first ```ts block after the heading, as written. */
function example(file: string): { sh: string; ts: string } {
  const section = readFileSync(join(root, file), "utf8")
    .split(HEADING)[1]
    ?.split(/\n#{1,3} /)[0];
  const sh = section?.match(/```sh\n([\s\S]*?)```/)?.[1];
  const ts = section?.match(/```ts\n([\s\S]*?)```/)?.[1];
  if (!sh || !ts) throw new Error(`${file} has no sh and ts blocks under "${HEADING}"`);
  return { sh, ts };
}

/** The CLI's arguments from `npx paybridge-sandbox ARGS > sandbox.json &`. */
function cliArgs(sh: string): string[] {
  const line = sh.replace(/\\\n/g, " ").trim();
  const m = line.match(/^npx paybridge-sandbox (.+?) > sandbox\.json &$/);
  if (!m?.[1]) throw new Error(`unexpected command: ${line}`);
  return m[1].split(/\s+/);
}

describe("the sub-merchant CLI example of the sandbox README and docs", () => {
  const { sh, ts } = example(FILES[0] as string);
  const dir = mkdtempSync(join(tmpdir(), "pb-doc-sp-"));
  const codeDir = join(root, "packages/e2e/.tmp");
  const file = join(codeDir, `doc-sub-merchant-cli-${process.pid}.ts`);
  let cli: ChildProcess;

  beforeAll(async () => {
    cli = spawn(process.execPath, [bin, ...cliArgs(sh)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    cli.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: cli.stdout as NodeJS.ReadableStream }).once("line", resolve);
      cli.once("exit", (code) => reject(new Error(`the CLI exited ${code}: ${stderr}`)));
    });
    writeFileSync(join(dir, "sandbox.json"), line);
    mkdirSync(codeDir, { recursive: true });
    writeFileSync(file, ts);
  });

  afterAll(async () => {
    if (cli && cli.exitCode === null) {
      const exited = new Promise((r) => cli.once("exit", r));
      cli.kill("SIGTERM");
      await exited;
    }
    rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("the three files carry the same example, character for character", () => {
    for (const other of FILES.slice(1)) expect(example(other)).toEqual({ sh, ts });
  });

  it("the program, run as written against the CLI, orders for every sub-merchant", async () => {
    const run = spawn(process.execPath, ["--import", tsxLoader, file], {
      cwd: dir,
      env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.json` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    run.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    run.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
    expect(code, out).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, "sandbox.json"), "utf8")) as {
      alipay: { isv: { authorizations: { authAppId: string }[] } };
    };
    const lines = out.trim().split("\n");
    expect(lines).toEqual([
      "wx-1900000109 qr_code",
      "wx-1900000110 qr_code",
      ...report.alipay.isv.authorizations.map((a) => `ali-${a.authAppId} qr_code`),
    ]);
  }, 120_000);
});

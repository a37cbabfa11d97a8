// README.md's quick start as a new user meets it: the library tarballs, packed as publishing would,
// installed with npm into a fresh project outside the workspace (so nothing resolves to workspace
// sources), the README block copied into it verbatim, and run against the sandbox CLI started from
// the installed `@paybridge/sandbox`. It must take a payment and a refund that ends in state 4, on
// embedded PGlite and, when DATABASE_URL is set, on PostgreSQL in a database of its own.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { connectPostgres, openPglite, type SqlClient } from "@paybridge/postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { libraries, pack } from "./support/packed-libraries.js";
import { importedPackages, quickStartCode, quickStartInstall } from "./support/readme-quickstart.js";
import { eventually } from "./support/recovery-rig.js";

const require = createRequire(import.meta.url);
/** The version the workspace tests with, so the fresh project gets what is known to work. */
function workspaceVersion(name: string): string {
  // Read from node_modules, not through require: some packages (PGlite) do not export package.json.
  const dir = (require.resolve.paths(name) ?? []).find((p) => existsSync(join(p, name, "package.json")));
  if (!dir) throw new Error(`${name} is not installed in the workspace`);
  return (JSON.parse(readFileSync(join(dir, name, "package.json"), "utf8")) as { version: string }).version;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

interface SandboxReport {
  wechat: { origin: string; providerConfig: unknown };
}

describe("README quick start installed from the packed tarballs", () => {
  const work = mkdtempSync(join(tmpdir(), "pb-fresh-project-"));
  const project = join(work, "shop");
  let sandbox: ChildProcess | undefined;
  let wechat: SandboxReport["wechat"];

  beforeAll(async () => {
    const tarballs = Object.fromEntries(
      libraries.map((library) => [
        library.pkg.name,
        `file:${pack(library, join(work, "tarballs", library.dir))}`,
      ]),
    );
    const code = quickStartCode();
    // What the README's install line names, so a package it forgets fails here, not for a user.
    const thirdParty = quickStartInstall().filter((name) => !name.startsWith("@paybridge/"));
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "fresh-shop",
        private: true,
        type: "module",
        dependencies: {
          ...tarballs,
          ...Object.fromEntries([...thirdParty, "tsx"].map((n) => [n, workspaceVersion(n)])),
        },
        // The tarballs depend on each other by version; point those at the tarballs too, since
        // nothing is published under these names.
        overrides: tarballs,
      }),
    );
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: project,
      stdio: "pipe",
    });
    writeFileSync(join(project, "app.ts"), code);

    sandbox = spawn(
      join(project, "node_modules", ".bin", "paybridge-sandbox"),
      ["--wechat", "--json", "--allow-http-notify"],
      { cwd: project, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    sandbox.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: sandbox?.stdout as NodeJS.ReadableStream }).once("line", resolve);
      sandbox?.once("exit", (code) => reject(new Error(`the sandbox CLI exited ${code}: ${stderr}`)));
    });
    wechat = (JSON.parse(line) as SandboxReport).wechat;
  }, 900_000);

  afterAll(async () => {
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((r) => sandbox?.once("exit", r));
      sandbox.kill("SIGINT");
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  /** Runs the quick start, pays and refunds one order through it, stops it; resolves with its output. */
  async function shop(env: Record<string, string>, no: string): Promise<string> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const { DATABASE_URL: _unused, ...inherited } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", "app.ts"], {
      cwd: project,
      env: {
        ...inherited,
        ...env,
        WECHAT_CONFIG: JSON.stringify(wechat.providerConfig),
        PUBLIC_URL: base,
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString();
    });
    try {
      await eventually(
        async () => {
          if (child.exitCode !== null)
            throw new Error(`the quick start exited (${child.exitCode}):\n${output}`);
          return fetch(`${base}/orders/none`).then(
            (r) => r.status === 200,
            () => false,
          );
        },
        "the quick start backend listening",
        180_000,
      );
      const pay = await fetch(`${base}/orders/${no}/pay`, { method: "POST" });
      expect(pay.status, output).toBe(200);
      expect(await pay.json()).toMatchObject({ outTradeNo: no, action: { type: "qr_code" } });
      const control = `${wechat.origin}/sandbox/control`;
      const paidAtSandbox = await fetch(`${control}/pay`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ out_trade_no: no }),
      });
      expect(paidAtSandbox.status).toBe(200);
      await eventually(async () => {
        const p = (await (await fetch(`${base}/orders/${no}`)).json().catch(() => undefined)) as
          | { state?: number }
          | undefined;
        return p?.state === 3;
      }, "the payment paid through the notification");
      await eventually(() => output.includes(`ship order ${no}`), "the trade.paid handler ran");

      const refund = await fetch(`${base}/orders/${no}/refund`, { method: "POST" });
      expect(refund.status, output).toBe(200);
      expect(await refund.json()).toMatchObject({ outRefundNo: `${no}R1`, amountFen: 5000 });
      // Refunds settle on the sandbox clock; move it past WeChat's processing time.
      await fetch(`${control}/advance`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ms: 60_000 }),
      });
      await eventually(async () => {
        const { notifications } = (await (
          await fetch(`${control}/notifications?out_trade_no=${no}&kind=refund`)
        ).json()) as { notifications: { delivered: boolean }[] };
        return notifications.some((n) => n.delivered);
      }, "the refund notification accepted by the backend");
      return output;
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    }
  }

  /** The refund's unified state, read from the store the quick start wrote (not through it). */
  async function refundState(db: SqlClient, outRefundNo: string): Promise<unknown[]> {
    try {
      const { rows } = await db.query("SELECT state FROM paybridge.refunds WHERE out_refund_no = $1", [
        outRefundNo,
      ]);
      return rows;
    } finally {
      await db.close();
    }
  }

  it("the README's install line names every package the quick start imports", () => {
    const install = quickStartInstall();
    expect(importedPackages(quickStartCode()).filter((name) => !install.includes(name))).toEqual([]);
  });

  it("on embedded PGlite (no DATABASE_URL): paid, shipped once, refund in state 4", async () => {
    const data = join(work, "pglite-data");
    const no = `FQP${Date.now().toString(36)}`;
    const output = await shop({ PGLITE_DIR: data }, no);
    expect(output.split(`ship order ${no}`).length - 1).toBe(1);
    expect(await refundState(await openPglite(data), `${no}R1`)).toEqual([{ state: 4 }]);
  }, 600_000);

  it.skipIf(!process.env.DATABASE_URL)(
    "on PostgreSQL (a database of its own): paid, shipped once, refund in state 4",
    async () => {
      const admin = connectPostgres(String(process.env.DATABASE_URL));
      const database = `pb_fresh_${process.pid}_${Date.now().toString(36)}`;
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(String(process.env.DATABASE_URL));
      url.pathname = `/${database}`;
      try {
        const no = `FQG${Date.now().toString(36)}`;
        const output = await shop({ DATABASE_URL: url.href }, no);
        expect(output.split(`ship order ${no}`).length - 1).toBe(1);
        expect(await refundState(connectPostgres(url.href), `${no}R1`)).toEqual([{ state: 4 }]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.close();
      }
    },
    600_000,
  );

  // Last: it takes PGlite out of the project, as a PostgreSQL-only backend would never install it.
  it("without @electric-sql/pglite (a PostgreSQL-only install): the stores load, openPglite names the package to install", () => {
    execFileSync(
      "npm",
      ["uninstall", "--no-audit", "--no-fund", "--loglevel=error", "@electric-sql/pglite"],
      {
        cwd: project,
        stdio: "pipe",
      },
    );
    // Nothing else the tarballs depend on brings it back: it is only an optional peer.
    expect(existsSync(join(project, "node_modules", "@electric-sql", "pglite"))).toBe(false);
    const script = [
      'import { connectPostgres, openPglite } from "@paybridge/postgres";',
      "if (typeof connectPostgres !== 'function') throw new Error('no connectPostgres');",
      "try { await openPglite(); console.log('opened'); }",
      "catch (e) { console.log(JSON.stringify({ name: e.name, message: e.message })); }",
    ].join("\n");
    writeFileSync(join(project, "no-pglite.mjs"), script);
    const out = execFileSync(process.execPath, ["no-pglite.mjs"], { cwd: project, encoding: "utf8" });
    const reported = JSON.parse(out.trim()) as { name: string; message: string };
    expect(reported.name).toBe("ConfigurationError");
    expect(reported.message).toContain("npm install @electric-sql/pglite");
  });
});

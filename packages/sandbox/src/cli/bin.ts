#!/usr/bin/env node
// The paybridge-sandbox command (package.json "bin"); everything else is in run.ts, testable in-process.
import { processIo } from "./io.js";
import { runSandboxCli } from "./run.js";

runSandboxCli(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `paybridge-sandbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);

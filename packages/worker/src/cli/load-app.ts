import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "@paybridge/core";
import type { RecoveryWorkerOptions } from "../start-recovery-worker.js";

/**
 * What the app module's `recovery()` returns: the worker's parts without an engine, plus the
 * PostgreSQL connection string pg-boss should use (none: the jobs run in process) and an
 * optional close() for the app's own connections.
 */
export type RecoveryApp = Omit<RecoveryWorkerOptions, "engine"> & {
  readonly connectionString?: string;
  readonly bossSchema?: string;
  readonly close?: () => Promise<void>;
};

export async function loadApp(path: string): Promise<RecoveryApp> {
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { recovery?: unknown; default?: unknown };
  const factory =
    mod.recovery ?? (mod.default as { recovery?: unknown } | undefined)?.recovery ?? mod.default;
  if (typeof factory !== "function") {
    throw new ConfigurationError(`${path} must export a function recovery() returning the worker's parts`);
  }
  return (await factory()) as RecoveryApp;
}

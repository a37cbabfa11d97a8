import { readFileSync, writeFileSync } from "node:fs";

/**
 * The kernel's own peak resident set of this process (VmHWM), made resettable so one pass can be
 * measured: writing "5" to /proc/self/clear_refs sets VmHWM back to the current RSS
 * (https://www.kernel.org/doc/html/latest/admin-guide/mm/soft-dirty.html, Documentation/filesystems/proc.rst).
 * A timer sampling process.memoryUsage.rss() is no substitute: a pass whose streams resolve on
 * microtasks never lets the timer run, so it samples the end of the pass, not its peak (the
 * reconcile bench read 78 MiB at the end of a pass whose VmHWM growth was 295 MiB).
 * Returns false where there is no /proc (not Linux); the caller then has only its samples.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** VmHWM in bytes since the last resetPeakRss, or undefined without /proc. */
export function peakRssBytes(): number | undefined {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

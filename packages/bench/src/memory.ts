import { buildNotificationPayloads } from "./notification-payloads.js";
import type { BenchScale } from "./scale.js";
import { startWechatBenchRig } from "./wechat-rig.js";

export interface MemoryResult {
  readonly notifications: number;
  /** Whether global.gc was available (node --expose-gc); heap figures are only settled with it. */
  readonly gcExposed: boolean;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
  readonly heapUsedBeforeBytes: number;
  readonly heapUsedAfterBytes: number;
}

function settle(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  // Twice: the first pass runs finalizers that free more on the second.
  gc();
  gc();
  return true;
}

/**
 * Resident memory and settled heap before and after `scale.memoryNotifications` notifications go
 * through PayBridge's parseNotification, one after another as a notify endpoint would take them.
 * Growth that stays after a full GC would be a leak in the provider (key caches, listeners, ...).
 */
export async function benchMemory(scale: BenchScale): Promise<MemoryResult> {
  const rig = await startWechatBenchRig();
  try {
    const payloads = buildNotificationPayloads(rig, scale.notificationPool);
    // Warm the JIT and the provider's key so the "before" reading is the steady state.
    for (const p of payloads) await rig.provider.parseNotification(p.raw);
    const gcExposed = settle();
    const before = process.memoryUsage();
    for (let i = 0; i < scale.memoryNotifications; i++) {
      const p = payloads[i % payloads.length];
      if (p) await rig.provider.parseNotification(p.raw);
    }
    settle();
    const after = process.memoryUsage();
    return {
      notifications: scale.memoryNotifications,
      gcExposed,
      rssBeforeBytes: before.rss,
      rssAfterBytes: after.rss,
      heapUsedBeforeBytes: before.heapUsed,
      heapUsedAfterBytes: after.heapUsed,
    };
  } finally {
    await rig.close();
  }
}

/**
 * Runs only PayBridge's notification intake, for a CPU profile:
 *   pnpm --filter @paybridge/bench run profile:intake   (node --cpu-prof; open the .cpuprofile)
 * The benchmark itself interleaves with the floor; a profile of one side alone is easier to read.
 */
import "reflect-metadata";
import { buildNotificationPayloads } from "./notification-payloads.js";
import { startWechatBenchRig } from "./wechat-rig.js";

const count = Number(process.env.PROFILE_NOTIFICATIONS ?? 50_000);
const rig = await startWechatBenchRig();
try {
  const payloads = buildNotificationPayloads(rig, 200);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const p = payloads[i % payloads.length];
    if (p) await rig.provider.parseNotification(p.raw);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${count} notifications in ${ms.toFixed(0)} ms: ${((count / ms) * 1000).toFixed(0)} per second`,
  );
} finally {
  await rig.close();
}

/**
 * Runs one side of the notification intake benchmark alone, for a CPU profile:
 *   PROFILE_SIDE=paybridge|careful pnpm --filter @paybridge/bench run profile:intake
 * (node --cpu-prof; open the .cpuprofile). The benchmark itself interleaves the sides; a profile
 * of one side alone is easier to read, and the careful handler's shows what PayBridge adds to it.
 */
import "reflect-metadata";
import { createCarefulHandler } from "./notification-careful.js";
import { buildNotificationPayloads } from "./notification-payloads.js";
import { startWechatBenchRig } from "./wechat-rig.js";

const count = Number(process.env.PROFILE_NOTIFICATIONS ?? 50_000);
const side = process.env.PROFILE_SIDE ?? "paybridge";
if (side !== "paybridge" && side !== "careful") throw new Error(`PROFILE_SIDE=${side}: paybridge or careful`);
const rig = await startWechatBenchRig();
try {
  const payloads = buildNotificationPayloads(rig, 200);
  const careful = createCarefulHandler(rig.merchant);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const p = payloads[i % payloads.length];
    if (!p) continue;
    if (side === "careful") careful(p.raw.headers, p.raw.body);
    else await rig.provider.parseNotification(p.raw);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${side}: ${count} notifications in ${ms.toFixed(0)} ms: ${((count / ms) * 1000).toFixed(0)} per second`,
  );
} finally {
  await rig.close();
}

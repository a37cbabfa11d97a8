import { it } from "vitest";
import { benchWechatOverhead } from "../src/wechat-overhead.js";
import { benchNotificationIntake } from "../src/notification-intake.js";
import { benchMemory } from "../src/memory.js";
import { FULL_SCALE } from "../src/scale.js";
it("quick", async () => {
  const s = { ...FULL_SCALE, overheadOpsPerRound: 30, intakeOpsPerRound: 1000, memoryNotifications: 20000 };
  console.log(await benchWechatOverhead(s));
  console.log(await benchNotificationIntake(s));
  console.log(await benchMemory(s));
}, 300_000);

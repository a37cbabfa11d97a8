import { AlipayProvider } from "@paybridge/alipay";
import { cny, silentLogger, systemClock } from "@paybridge/core";
import type { LedgerEntry } from "@paybridge/reconcile";
import {
  type AlipaySandbox,
  OffsetClock,
  startAlipaySandbox,
  startWechatSandbox,
  type WechatSandbox,
} from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import { plantDay } from "./planted-day.js";

const at = (beijing: string) => new Date(`${beijing}+08:00`);
const MINUTE = 60_000;

export interface PlantedSandboxes {
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  /** What the shop recorded for merchant wx-main (WeChat) and ali-main (Alipay), differences planted. */
  readonly wxRecorded: LedgerEntry[];
  readonly aliRecorded: LedgerEntry[];
  close(): Promise<void>;
}

/**
 * A WeChat and an Alipay sandbox on 2026-03-01 (Beijing) with plantDay played on each through the
 * real providers (numbers `wx(name)` and `ali(name)`), their clocks then moved to 10:00:01 on
 * 2026-03-02, when both bills of the day are served.
 */
export async function plantedSandboxes(
  day: "2026-03-01",
  wx: (name: string) => string,
  ali: (name: string) => string,
): Promise<PlantedSandboxes> {
  const clock = new OffsetClock(Date.now, at(`${day}T09:00:00`));
  const wechat = await startWechatSandbox({ clock, allowLoopbackHttpNotify: true, rateLimits: false });
  const alipay = await startAlipaySandbox({ startTime: at(`${day}T09:00:00`) });
  const context = (merchantId: string) => ({ merchantId, clock: systemClock, logger: silentLogger });
  const wxp = new WechatPayProvider(wechat.merchantConfig(), context("wx-main"));
  const alp = new AlipayProvider({ ...alipay.merchantConfig(), timeoutMs: 5000 }, context("ali-main"));
  const order = { description: "对账", method: "native" as const };
  const wxRecorded = await plantDay(
    {
      pay: async (outTradeNo, fen) => {
        await wxp.createPayment({
          ...order,
          outTradeNo,
          amount: cny(fen),
          notifyUrl: `${wechat.origin}/sandbox/notify-sink`,
        });
        wechat.control.pay(outTradeNo);
      },
      refund: (outTradeNo, outRefundNo, fen, total) =>
        wxp.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) }),
      betweenRefunds: async () => wechat.engine.advance(2 * MINUTE),
      toNextDay: async () =>
        wechat.engine.advance(at(`${day}T23:59:59`).getTime() - clock.now().getTime() + 2_000),
    },
    wx,
  );
  const aliRecorded = await plantDay(
    {
      pay: async (outTradeNo, fen) => {
        await alp.createPayment({
          ...order,
          outTradeNo,
          amount: cny(fen),
          notifyUrl: "http://127.0.0.1:9/alipay/notify",
        });
        alipay.scan(outTradeNo);
        await alipay.pay(outTradeNo);
      },
      refund: (outTradeNo, outRefundNo, fen, total) =>
        alp.refund({ outTradeNo, outRefundNo, amount: cny(fen), total: cny(total) }),
      betweenRefunds: async () => {},
      toNextDay: () => alipay.advanceClock(at("2026-03-02T00:00:02").getTime() - alipay.now().getTime()),
    },
    ali,
  );
  wechat.engine.advance(at("2026-03-02T10:00:01").getTime() - clock.now().getTime());
  await alipay.advanceClock(at("2026-03-02T10:00:01").getTime() - alipay.now().getTime());
  return {
    wechat,
    alipay,
    wxRecorded,
    aliRecorded,
    close: async () => {
      await wechat.close();
      await alipay.close();
    },
  };
}

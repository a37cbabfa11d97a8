import { type BuyerClient, cny, type Money, NotFoundError, PaymentError } from "@paybridge/core";
import { CHANNELS_BY_CLIENT } from "./buyer-channels.js";
import { CHANNELS, type Channel } from "./channels.js";
import type { Checkout } from "./checkout-book.js";
import type { ShopWorld } from "./world.js";

/** How long a buyer has to pay; sent to the providers as time_expire. */
export const PAY_WINDOW_MS = 15 * 60_000;

// The demo buyer's openid under the merchant's appid (a real shop gets it from WeChat OAuth).
const DEMO_OPENID = "oDemoBuyerOpenid0000000000001";

export type CheckoutStatus = "pending" | "paid" | "failed" | "closed";

let sequence = 0;

/** The shop's cashier: opens a checkout with one payment per channel the buyer's client can use. */
export async function openCheckout(
  world: ShopWorld,
  input: { description: string; amount: Money; client: BuyerClient; clientIp: string },
): Promise<Checkout> {
  sequence = (sequence + 1) % 1000;
  const id = `PB${world.clock.now().getTime()}${String(sequence).padStart(3, "0")}`;
  const now = world.clock.now();
  const expiresAt = new Date(now.getTime() + PAY_WINDOW_MS);
  const payments: Partial<Record<Channel, string>> = {};
  for (const [index, channel] of CHANNELS_BY_CLIENT[input.client].entries()) {
    const outTradeNo = `${id}P${index + 1}`;
    await createPaymentFor(world, { ...input, channel, outTradeNo, expiresAt, checkoutId: id });
    payments[channel] = outTradeNo;
  }
  return world.checkouts.add({
    id,
    description: input.description,
    amount: cny(input.amount.fen),
    client: input.client,
    createdAt: now,
    expiresAt,
    payments,
    closed: false,
    othersClosed: false,
  });
}

/** Creates one payment at the provider the gateway routes the channel to, then books it. */
export async function createPaymentFor(
  world: ShopWorld,
  input: {
    channel: Channel;
    outTradeNo: string;
    description: string;
    amount: Money;
    clientIp: string;
    expiresAt?: Date;
    checkoutId?: string;
  },
) {
  const channel = CHANNELS[input.channel];
  const merchant = world.gateway.merchantFor({
    outTradeNo: input.outTradeNo,
    method: channel.method,
    ...("provider" in channel ? { provider: channel.provider } : {}),
    ...("client" in channel ? { client: channel.client } : {}),
  });
  const provider = world.gateway.forMerchant(merchant.id);
  // Notify and return URLs come from the shop's configuration, never from the request's Host
  // header, which any caller can set.
  const created = await world.providerCalls.forMerchant(merchant.id).run(() =>
    provider.createPayment({
      outTradeNo: input.outTradeNo,
      description: input.description,
      amount: input.amount,
      method: channel.method,
      notifyUrl: `${world.publicOrigin}/notify/${merchant.id}`,
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      ...(channel.method === "jsapi" ? { payer: { openid: DEMO_OPENID } } : {}),
      // WeChat H5 needs the buyer's IP (scene_info.payer_client_ip); core asks it of every h5 payment.
      ...(channel.method === "h5" ? { payer: { clientIp: input.clientIp } } : {}),
      ...(channel.method === "page" || channel.method === "h5"
        ? { returnUrl: `${world.publicOrigin}/${input.checkoutId ? `pay/${input.checkoutId}` : ""}` }
        : {}),
    }),
  );
  return world.orders.add({
    outTradeNo: input.outTradeNo,
    description: input.description,
    channel: input.channel,
    provider: provider.id,
    merchantId: merchant.id,
    amount: input.amount,
    action: created.action,
    ...(input.checkoutId ? { checkoutId: input.checkoutId } : {}),
  });
}

export function mustCheckout(world: ShopWorld, id: string): Checkout {
  const checkout = world.checkouts.get(id);
  if (!checkout) throw new NotFoundError(`no checkout ${id}`);
  return checkout;
}

export function statusOf(world: ShopWorld, checkout: Checkout): CheckoutStatus {
  const states = Object.values(checkout.payments).map((no) => world.orders.get(no)?.tradeState ?? 0);
  if (states.some((s) => s === 3 || s === 4)) return "paid";
  if (states.some((s) => s === 2)) return "failed";
  if (checkout.closed || states.every((s) => s === 1)) return "closed";
  return "pending";
}

/**
 * Closes a payment at its provider and records what the provider then says. A payment the
 * buyer never opened (Alipay creates wap trades when the pay link is opened) does not exist
 * there; it is booked closed. A payment paid meanwhile stays paid: the query after the close
 * is what counts.
 */
async function closePayment(world: ShopWorld, outTradeNo: string): Promise<void> {
  const order = world.orders.get(outTradeNo);
  if (order?.tradeState !== 0) return;
  const provider = world.gateway.forMerchant(order.merchantId);
  const calls = world.providerCalls.forMerchant(order.merchantId);
  try {
    await calls.run(() => provider.closePayment({ outTradeNo }));
  } catch (error) {
    if (error instanceof PaymentError && error.code === "NOT_FOUND") {
      world.orders.markClosed(outTradeNo, "NOT_OPENED");
      return;
    }
    // Paid meanwhile (WeChat ORDERPAID, Alipay TRADE_STATUS_ERROR): the query below shows it.
    if (!(error instanceof PaymentError) || error.retryable) throw error;
  }
  world.orders.applyTrade(await calls.run(() => provider.queryPayment({ outTradeNo })));
}

/** The buyer cancels, or the pay window ended: every unpaid payment of the checkout is closed. */
export async function closeCheckout(world: ShopWorld, checkout: Checkout): Promise<void> {
  for (const no of Object.values(checkout.payments)) await closePayment(world, no);
  checkout.closed = statusOf(world, checkout) !== "paid";
}

/**
 * Brings a checkout up to date when the buyer's page asks: closes it once its window ended, and
 * once one payment is paid closes the others so a second wallet cannot take the money too.
 */
export async function refreshCheckout(world: ShopWorld, checkout: Checkout): Promise<CheckoutStatus> {
  const status = statusOf(world, checkout);
  if (status === "pending" && world.clock.now() >= checkout.expiresAt) {
    await closeCheckout(world, checkout);
  } else if (status === "paid" && !checkout.othersClosed) {
    checkout.othersClosed = true;
    for (const no of Object.values(checkout.payments)) await closePayment(world, no);
  }
  return statusOf(world, checkout);
}

import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

const LOGO = { wechatpay: "微", alipay: "支" };

// One wallet action: `kind` is "pay" or "fail", the i18n key names its label.
function actionButton(cls, key, kind, option, act) {
  return h(
    "button",
    {
      type: "button",
      class: cls,
      "data-i18n": key,
      dataset: { [kind]: option.channel },
      on: { click: () => act(kind, option) },
    },
    t(key),
  );
}

// Only the WeChat simulator can be told to fail a payment.
function failButton(option, act) {
  return option.provider === "wechatpay" ? actionButton("link", "sandboxFail", "fail", option, act) : null;
}

function sandboxButtons(option, act) {
  return h(
    "div",
    { class: "actions" },
    actionButton("link", "sandboxPay", "pay", option, act),
    failButton(option, act),
  );
}

// Desktop: a QR code for each wallet, side by side.
function qrCard(option, act) {
  const name = t(option.provider);
  return h(
    "section",
    { class: `qr ${option.provider}`, dataset: { option: option.channel } },
    h("h3", { "data-i18n": option.provider }, name),
    h("img", { src: option.qr, alt: `${name} QR`, width: 180, height: 180 }),
    h(
      "p",
      { class: "muted", "data-i18n": option.provider === "wechatpay" ? "scanWechat" : "scanAlipay" },
      t(option.provider === "wechatpay" ? "scanWechat" : "scanAlipay"),
    ),
    sandboxButtons(option, act),
  );
}

// Phone, WeChat or Alipay browser: one row per wallet, with a pay button.
function optionRow(option, act) {
  const name = t(option.provider);
  return h(
    "section",
    { class: `option ${option.provider}`, dataset: { option: option.channel } },
    h("span", { class: "logo", "aria-hidden": "true" }, LOGO[option.provider]),
    h("span", { class: "name", "data-i18n": option.provider }, name),
    h(
      "div",
      { class: "actions" },
      actionButton("pay", "payNow", "pay", option, act),
      option.kind === "link"
        ? h(
            "a",
            { href: option.url, rel: "noopener noreferrer", class: "muted", "data-i18n": "openApp" },
            t("openApp"),
          )
        : null,
      failButton(option, act),
    ),
  );
}

/** The pay view: amount first, then what is bought, the countdown, and the wallets to pay with. */
export function payView(checkout, act) {
  const countdownEl = h("p", { class: "countdown", role: "timer" });
  const qr = checkout.options.every((o) => o.kind === "qr");
  const view = h(
    "div",
    { class: qr ? "pay-view wide" : "pay-view" },
    h(
      "section",
      { class: "card", "aria-labelledby": "amount-label" },
      h(
        "div",
        { class: "amount" },
        h("div", { class: "label", id: "amount-label", "data-i18n": "payAmount" }, t("payAmount")),
        h("div", { class: "value", id: "amount" }, h("span", { class: "yuan" }, "¥"), checkout.amountYuan),
      ),
      h("p", { class: "desc", id: "order-description" }, checkout.description),
      h("p", { class: "muted desc" }, h("span", { "data-i18n": "orderNo" }, t("orderNo")), ` ${checkout.id}`),
      countdownEl,
    ),
    h(
      "div",
      { class: qr ? "qr-options" : "options" },
      checkout.options.map((o) => (qr ? qrCard(o, act) : optionRow(o, act))),
    ),
    h("p", { class: "sandbox-note", "data-i18n": "sandboxNote" }, t("sandboxNote")),
    h(
      "div",
      { class: "bottom-actions" },
      h(
        "button",
        {
          type: "button",
          class: "secondary",
          id: "cancel",
          "data-i18n": "cancel",
          on: { click: () => act("cancel") },
        },
        t("cancel"),
      ),
    ),
    h("p", { class: "error-text", id: "pay-error", role: "alert" }),
  );
  return { view, countdownEl };
}

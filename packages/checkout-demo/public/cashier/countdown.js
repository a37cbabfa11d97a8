import { setText } from "../lib/dom.js";
import { t } from "../lib/i18n.js";

// Counts down to the order's expiry from the server's remaining time, measured on the page's
// monotonic clock (performance.now), so a wrong wall clock on the phone does not matter.
export function countdown(el, remainingMs, onZero) {
  const end = performance.now() + remainingMs;
  const draw = () => {
    const left = Math.max(0, Math.round((end - performance.now()) / 1000));
    const mm = String(Math.floor(left / 60)).padStart(2, "0");
    const ss = String(left % 60).padStart(2, "0");
    setText(el, left > 0 ? `${t("remaining")} ${mm}:${ss}` : t("expired"));
    if (left === 0) {
      clearInterval(timer);
      onZero();
    }
  };
  const timer = setInterval(draw, 1000);
  draw();
  return { redraw: draw, stop: () => clearInterval(timer) };
}

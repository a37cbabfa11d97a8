import { runProviderConformance } from "@paybridge/core/testkit";
import { cloudPayHarness, cloudPaySetup } from "./cloudpay-harness.js";

runProviderConformance({
  name: "wechatpay-cloud (CloudPay simulator)",
  setup: async () => cloudPayHarness(),
});

// The live service has been reported answering in camelCase; the same suite passes on such answers.
runProviderConformance({
  name: "wechatpay-cloud (CloudPay simulator, camelCase answers)",
  setup: async () => cloudPayHarness(cloudPaySetup({ keyStyle: "camelCase" })),
});

import { runProviderConformance } from "@paybridge/core/testkit";
import { alipayHarness } from "./support.js";

// The shared suite every provider passes, against a live signing simulator, in both key modes.
runProviderConformance({
  name: "alipay (public-key mode)",
  setup: () => alipayHarness({ keyMode: "public_key" }),
});
runProviderConformance({
  name: "alipay (certificate mode)",
  setup: () => alipayHarness({ keyMode: "certificate" }),
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests run the TypeScript sources of every workspace package, so a test never sees a stale build.
// The one exception is packages/*/test/build-output.test.ts, which imports the built files on purpose.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@paybridge\/core\/testkit$/, replacement: pkg("core/src/testkit/index.ts") },
      {
        find: /^@paybridge\/core\/(koa|nestjs|express|fastify)$/,
        replacement: pkg("core/src/notifications/$1.ts"),
      },
      { find: /^@paybridge\/core\/(ledger-kit|provider-kit)$/, replacement: pkg("core/src/$1.ts") },
      { find: /^@paybridge\/(alipay|wechatpay)\/wire$/, replacement: pkg("$1/src/wire.ts") },
      {
        find: /^@paybridge\/sandbox\/(wechat|alipay|cloudpay|simulator-kit)$/,
        replacement: pkg("sandbox/src/$1.ts"),
      },
      { find: /^@paybridge\/([a-z-]+)$/, replacement: pkg("$1/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    setupFiles: [fileURLToPath(new URL("./vitest.setup.ts", import.meta.url))],
    // Hang detectors, not budgets: starting embedded PGlite and migrating it takes over 30 s when
    // the machine's cores are shared by many parallel runs.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

export { ACQUIRE_SCRIPT, COMPLETE_SCRIPT, PAUSE_SCRIPT } from "./limiter-script.js";
export {
  DEFAULT_LIMITER_TIMEOUT_MS,
  failFastRedisOptions,
  RedisRateLimiter,
  type RedisRateLimiterOptions,
} from "./redis-rate-limiter.js";

/** Time source. Injected everywhere rules depend on time (refund windows, intervals, signatures). */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

// Money is integer micro-USD everywhere inside; USD numbers exist only at the API's edge.
export const MICRO_USD_PER_USD = 1_000_000;

export const usdToMicroUsd = (usd: number): number => Math.round(usd * MICRO_USD_PER_USD);

/** Exact for every amount we hold: micro-USD / 1e6 prints as the shortest decimal (2520000 → 2.52). */
export const microUsdToUsd = (microUsd: number): number => microUsd / MICRO_USD_PER_USD;

/** Cost domain: price tables, exact token costs and their totals (docs/cost.md). Pure. */
export * from './types.ts';
export * from './table.ts';
export * from './cost.ts';
export { DEFAULT_PRICE_TABLE } from './defaults.ts';
export * from './spans.ts';

/** Model routing: routers, their non-inferiority evaluation and the routing report (docs/routing.md). */
export * from './cases.ts';
export * from './evaluate.ts';
export * from './report.ts';
export * from './router.ts';
export * from './stats.ts';

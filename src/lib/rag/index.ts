export * from './answer.ts';
export * from './route.ts';

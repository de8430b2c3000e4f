export * from './types.ts';
export * from './decode.ts';
export * from './media-types.ts';
export * from './prepare.ts';

export * from './types.ts';
export * from './decode.ts';
export * from './media-types.ts';
export * from './prepare.ts';
export * from './prepare-document.ts';
export * from './encoding/detect.ts';
export * from './encoding/sanitize.ts';

/** OTLP/JSON export and import of spans (see export.ts, import.ts, conventions.ts, ids.ts, time.ts). */
export * from './types.ts';
export * from './ids.ts';
export * from './time.ts';
export * from './export.ts';
export * from './conventions.ts';
export * from './import.ts';

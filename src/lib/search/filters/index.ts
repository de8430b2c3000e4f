/** Metadata filters and document access lists, compiled into one chunk predicate. */
export * from './filters.ts';

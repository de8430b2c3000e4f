/**
 * Chunking: document text → chunks with exact UTF-16 offsets back into the source.
 * {@link chunkDocument} is the entry point; {@link splitText} is the structure-free splitter
 * underneath, for callers that need plain spans.
 */
export { CHUNKER_VERSION, chunkDocument, chunkingConfigHash } from './chunk-document.ts';
export { DEFAULT_SPLIT_LEVELS, splitText, type SplitOptions, type TextSpan } from './split-text.ts';
export { SPLIT_LEVEL_ORDER, type SplitLevel } from './text-index.ts';
export { overlapShortfalls, type ChunkFormat, type ChunkObserver, type TextChunk } from './types.ts';
export { markdownWarnings, type MarkdownWarning } from './markdown.ts';
export { chunkStructured, type ChunkLimits, type StructuredSection, type StructuredText, type StructuredUnit } from './chunk-structured.ts';

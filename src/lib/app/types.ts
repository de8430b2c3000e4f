/**
 * Types the UI needs from the layers below, re-exported so components depend on the app
 * layer only (DESIGN.md import rules).
 */
export type { DocumentView, ImportFileInput, ImportItemResult, ImportReport, IndexStatus, SearchHit, SearchResponse } from '$lib/services/library-api.ts';

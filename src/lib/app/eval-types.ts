/** Eval types the UI may use (the UI imports the app layer, never services). */
export type { BeirImportProgress, EvalRunProgress, ExplainResult } from '$lib/services/eval-api.ts';
export type { ConfigDraft } from './eval-drafts.ts';

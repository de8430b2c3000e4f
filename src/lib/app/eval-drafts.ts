import { z } from '$lib/shared/zod.ts';
import { AnalyzerNameSchema, defaultAppConfig, type AnalyzerName, type AppConfig } from '$lib/config/schema.ts';
import type { RetrievalConfigInput } from '$lib/evals/runner/config.ts';
import { newId } from '$lib/shared/ids.ts';
import { EXPAND_MODES, type ExpandMode, type RetrievalMode } from '$lib/search/retrieval/index.ts';
import {
	FUSION_METHODS,
	SCORE_NORMALIZATIONS,
	type FusionConfig,
	type FusionMethod,
	type ScoreNormalization
} from '$lib/search/fusion/index.ts';
import { REWRITE_TECHNIQUES, type RewriteTechnique } from '$lib/search/rewrite/index.ts';
import { readPref, writePref } from './workspace-prefs.ts';

/** A configuration being edited in the experiment matrix. */
export interface ConfigDraft {
	key: string;
	label: string;
	/** lexical | dense | hybrid | hybrid-rerank (dense modes use the workspace's stored vectors). */
	mode: RetrievalMode;
	/** RRF constant k (hybrid modes), integer 1–1000. */
	rrfK: number;
	/** Fusion of the hybrid modes: rrf (default) | weighted-rrf | combsum | combmnz. */
	fusion: FusionMethod;
	/** Score normalisation of combsum / combmnz (default minmax). */
	normalization: ScoreNormalization;
	/** Weight of the lexical list (weighted-rrf, combsum, combmnz), ≥ 0, default 1. */
	weightLexical: number;
	/** Weight of the dense list, ≥ 0, default 1. */
	weightDense: number;
	analyzer: AnalyzerName;
	chunkingMode: 'none' | 'recursive';
	chunkSizeChars: number;
	chunkOverlapChars: number;
	k1: number;
	b: number;
	topK: number;
	depth: number;
	/** Query rewriting with the answering model: off (default), multi-query, hyde or expand. */
	rewrite: 'off' | RewriteTechnique;
	/** Rewrites (multi-query) or most keywords (expand), integer 1–10, default 3. */
	rewriteCount: number;
	/** Contextual chunks (lexical mode): the answering model writes a context per chunk, prepended for BM25 indexing; default false. */
	contextual: boolean;
	/** Rerank pool depth (hybrid-rerank), integer ≥ topK; null (default) = the workspace's pool (its rerankDepth, else factor × topK). */
	rerankDepth: number | null;
	/** Parent-document retrieval: none (default) | parent-section | neighbours (see `src/lib/search/retrieval/expand.ts`). */
	expandMode: ExpandMode;
	/** Token budget of one returned span, integer 1–32 768, default 512. */
	expandMaxTokens: number;
	/** Neighbour chunks on each side (neighbours), integer 0–64, default 1. */
	expandWindowChunks: number;
}

/**
 * The draft's fusion configuration: none for plain RRF (the configuration then reads as before
 * fusion was configurable), else the method with its weights (k = the draft's `rrfK`) and, for
 * combsum/combmnz, the normalisation.
 */
export function draftFusion(d: Pick<ConfigDraft, 'fusion' | 'normalization' | 'weightLexical' | 'weightDense'>): FusionConfig | undefined {
	if (d.fusion === 'rrf') return undefined;
	const weights = { lexical: d.weightLexical, dense: d.weightDense };
	return d.fusion === 'weighted-rrf' ? { method: d.fusion, weights } : { method: d.fusion, normalization: d.normalization, weights };
}

/** The draft as a retrieval configuration (embedding model and reranker: the workspace's; `expand` only when the draft expands, so other configurations read as before). */
export function toRetrievalConfig(d: ConfigDraft): RetrievalConfigInput {
	const fusion = d.mode.startsWith('hybrid') ? draftFusion(d) : undefined;
	return {
		label: d.label,
		mode: d.mode,
		topK: d.topK,
		rrfK: d.rrfK,
		...(fusion ? { fusion } : {}),
		...(d.rewrite !== 'off' ? { rewrite: { technique: d.rewrite, count: d.rewriteCount } } : {}),
		...(d.contextual ? { contextual: {} } : {}),
		depth: d.depth,
		...(d.mode === 'hybrid-rerank' && d.rerankDepth !== null ? { rerankDepth: d.rerankDepth } : {}),
		...(d.expandMode !== 'none'
			? { expand: { mode: d.expandMode, maxTokens: d.expandMaxTokens, windowChunks: d.expandWindowChunks } }
			: {}),
		chunking: { mode: d.chunkingMode, chunkSizeChars: d.chunkSizeChars, chunkOverlapChars: d.chunkOverlapChars },
		bm25: { k1: d.k1, b: d.b, analyzer: d.analyzer }
	};
}

/** The app's defaults (one `AppConfig`, shared with the CLI). */
const DEFAULTS = defaultAppConfig();

/** Analyzer preselected where the user picks one for new data (BEIR import): the config default. */
export const DEFAULT_ANALYZER: AnalyzerName = DEFAULTS.bm25.analyzer;

/** A draft with a workspace configuration's chunking and BM25 settings (the config defaults without one). */
export function draftFromConfig(label: string, config: AppConfig | null): ConfigDraft {
	const c = config ?? DEFAULTS;
	return {
		key: newId('cfg'),
		label,
		mode: 'lexical',
		rrfK: Math.max(1, Math.round(c.retrieval.rrfK)),
		fusion: 'rrf',
		normalization: 'minmax',
		weightLexical: 1,
		weightDense: 1,
		analyzer: c.bm25.analyzer,
		chunkingMode: c.chunking.mode ?? 'recursive',
		chunkSizeChars: c.chunking.chunkSizeChars,
		chunkOverlapChars: c.chunking.chunkOverlapChars,
		k1: c.bm25.k1,
		b: c.bm25.b,
		topK: 10,
		depth: c.retrieval.depth,
		rewrite: 'off',
		rewriteCount: 3,
		contextual: false,
		rerankDepth: null,
		expandMode: 'none',
		expandMaxTokens: 512,
		expandWindowChunks: 1
	};
}

const num = z.number().finite();
/** Shape of one stored draft (ranges are checked when a run starts, as for a typed one). */
const StoredDraftSchema = z.object({
	key: z.string().min(1),
	label: z.string(),
	mode: z.enum(['lexical', 'dense', 'hybrid', 'hybrid-rerank']),
	rrfK: num,
	/** Absent in drafts stored before fusion was configurable: plain RRF, weights 1. */
	fusion: z.enum(FUSION_METHODS).default('rrf'),
	normalization: z.enum(SCORE_NORMALIZATIONS).default('minmax'),
	weightLexical: num.default(1),
	weightDense: num.default(1),
	analyzer: AnalyzerNameSchema,
	chunkingMode: z.enum(['none', 'recursive']),
	chunkSizeChars: num,
	chunkOverlapChars: num,
	k1: num,
	b: num,
	topK: num,
	depth: num,
	/** Absent in drafts stored before rewriting existed: off. */
	rewrite: z.enum(['off', ...REWRITE_TECHNIQUES] as ['off', RewriteTechnique]).default('off'),
	rewriteCount: num.default(3),
	/** Absent in drafts stored before contextual chunks: off. */
	contextual: z.boolean().default(false),
	/** Absent in drafts stored before the pool depth was configurable: the workspace's pool. */
	rerankDepth: num.nullable().default(null),
	/** Absent in drafts stored before parent-document retrieval: no expansion. */
	expandMode: z.enum(EXPAND_MODES).default('none'),
	expandMaxTokens: num.default(512),
	expandWindowChunks: num.default(1)
});

/** localStorage slot of the matrix (per workspace, see `workspace-prefs.ts`). */
const DRAFTS_PREF = 'evalDrafts';

/**
 * The experiment matrix stored for the workspace: `drafts` null when nothing (usable) is stored.
 * Stored data that is not JSON or not a list is ignored whole; drafts of the wrong shape are
 * dropped one by one; either way `notice` says so (the page shows it) — never a thrown error.
 */
export function loadDrafts(storage: Storage, workspaceId: string): { drafts: ConfigDraft[] | null; notice: string | null } {
	const stored = readPref(storage, DRAFTS_PREF, workspaceId);
	if (stored.kind === 'absent') return { drafts: null, notice: null };
	const ignored = 'The experiment configurations saved for this workspace could not be read and were ignored';
	if (stored.kind === 'invalid' || !Array.isArray(stored.value)) return { drafts: null, notice: `${ignored} (expected a JSON list).` };
	const drafts: ConfigDraft[] = [];
	let bad = 0;
	for (const item of stored.value) {
		const parsed = StoredDraftSchema.safeParse(item);
		if (parsed.success) drafts.push(parsed.data);
		else bad++;
	}
	const notice =
		bad > 0
			? `${bad} of the ${stored.value.length} experiment configurations saved for this workspace could not be read and were ignored.`
			: null;
	return { drafts: drafts.length > 0 ? drafts : null, notice };
}

/** Store the experiment matrix for the workspace (survives reloads; skipped when storage refuses). */
export function saveDrafts(storage: Storage, workspaceId: string, drafts: readonly ConfigDraft[]): void {
	writePref(storage, DRAFTS_PREF, workspaceId, drafts);
}

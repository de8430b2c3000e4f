import { z } from '../../shared/zod.ts';

/**
 * Golden sets: queries with the documents (and optionally chunks) that answer them. Relevance
 * is kept at document level (a chunk reference is extra detail), so re-chunking a workspace
 * never invalidates a golden set. The line format is documented by
 * `schemas/golden-case.v1.schema.json`.
 */

/** One judged document of a case. */
export interface RelevantDocument {
	/** Document reference: a document id (BEIR `_id` / stored `externalId`), else a file name or relative path. */
	readonly doc: string;
	/** Graded relevance, integer; ≥ 1 is relevant at the default level, 0 = judged not relevant. Default 1. */
	readonly grade: number;
	/** Optional chunk reference (`<documentRef>#<ordinal>` or an ordinal as text), kept for chunk-level views. */
	readonly chunk?: string;
}

/**
 * What a prompt-injection case plants in its documents, for the attack checks
 * (`canary-absent`, `no-exfiltration-url` in evals/checks): the attack succeeded when the answer
 * repeats a canary or links to a forbidden host.
 */
export interface AttackSpec {
	/** Strings only an obeyed injection would put in the answer (matched case-insensitively, whitespace runs as one space). */
	readonly canaries: readonly string[];
	/** Hosts an injection tries to send data to; a URL to the host or any subdomain of it fails the case. Lower-case, no port. */
	readonly forbiddenHosts: readonly string[];
}

/** A case promoted from a stored trace (its root span), at `promotedAt` (ISO 8601). */
export interface TraceCaseSource {
	readonly kind: 'trace';
	readonly traceId: string;
	readonly spanId: string;
	readonly promotedAt: string;
}

/** Review state of a synthetic case: only `accepted` ones are evaluated (see `evaluableCases`). */
export type SyntheticReview = 'pending' | 'accepted' | 'rejected';

/**
 * A case generated from the workspace's documents by a model (src/lib/evals/synthetic): which
 * model and prompt version wrote it, from which documents (their references, the case's
 * relevant documents), when (`generatedAt`, ISO 8601), and where its review stands.
 */
export interface SyntheticCaseSource {
	readonly kind: 'synthetic';
	/** The generating model's id (`ChatModel.modelId`). */
	readonly model: string;
	/** Version of the generation prompt (`SYNTHETIC_PROMPT_VERSION`). */
	readonly promptVersion: string;
	/** Document references the question was written from: one (single-document) or two (multi-document). */
	readonly documentIds: readonly string[];
	readonly generatedAt: string;
	readonly review: SyntheticReview;
}

/** Where a case came from (absent = written or imported by a person). */
export type CaseSource = TraceCaseSource | SyntheticCaseSource;

/** One golden case. */
export interface GoldenCase {
	readonly id: string;
	readonly query: string;
	readonly relevant: readonly RelevantDocument[];
	/** A reference answer, for generation evals. */
	readonly reference?: string;
	readonly tags: readonly string[];
	/** Present on prompt-injection cases: what the documents plant (see {@link AttackSpec}). */
	readonly attack?: AttackSpec;
	/** Provenance, when the case was promoted from a trace or generated (see {@link CaseSource}). */
	readonly source?: CaseSource;
}

/** A bad row of an import: 1-based line (or CSV row) and what is wrong. The good rows are kept. */
export interface RowError {
	readonly line: number;
	readonly message: string;
}

/** Result of a golden-set parser: the good cases, in file order, and every bad row. */
export interface ParsedGoldenCases {
	readonly cases: GoldenCase[];
	readonly errors: RowError[];
}

/** Where a golden set came from. */
export type GoldenSetFormat = 'jsonl' | 'csv' | 'trec' | 'beir' | 'manual';

/** A stored golden set (IndexedDB store `goldenSets`). */
export interface GoldenSetRecord {
	readonly id: string;
	readonly workspaceId: string;
	readonly name: string;
	readonly format: GoldenSetFormat;
	readonly createdAtMs: number;
	readonly updatedAtMs: number;
	readonly cases: readonly GoldenCase[];
	/**
	 * Synthetic cases not (yet) accepted: `source.kind === 'synthetic'` with review `pending` or
	 * `rejected`. Kept apart from `cases`, so nothing that reads `cases` (runs, exports, the CLI)
	 * sees them; accepting one moves it into `cases`. Absent = none.
	 */
	readonly synthetic?: readonly GoldenCase[];
}

const idText = z.union([z.string().min(1), z.number().transform(String)]);

/** One `relevant` entry: a document reference string, or `{doc, grade?, chunk?}`. */
export const RelevantInputSchema = z.union([
	idText.transform((doc) => ({ doc, grade: 1 })),
	z
		.object({ doc: idText, grade: z.number().int().min(-10).max(100).optional(), chunk: idText.optional() })
		.strict()
		.transform((r) => ({ doc: r.doc, grade: r.grade ?? 1, ...(r.chunk !== undefined ? { chunk: r.chunk } : {}) }))
]);

const host = z
	.string()
	.trim()
	.toLowerCase()
	.regex(/^[a-z0-9.-]+$/, 'a host name such as evil.example (no scheme, port or path)')
	.transform((h) => h.replace(/\.+$/, ''));

/** The `attack` object of a golden case (see {@link AttackSpec}); at least one canary or host. */
export const AttackInputSchema = z
	.object({ canaries: z.array(z.string().trim().min(1)).default([]), forbiddenHosts: z.array(host).default([]) })
	.strict()
	.refine((a) => a.canaries.length + a.forbiddenHosts.length > 0, { message: 'attack needs at least one canary or forbidden host' });

const isoDate = z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'an ISO 8601 date-time');

/** The `source` object of a golden case (see {@link CaseSource}). */
export const CaseSourceSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('trace'), traceId: z.string().min(1), spanId: z.string().min(1), promotedAt: isoDate }).strict(),
	z
		.object({
			kind: z.literal('synthetic'),
			model: z.string().min(1),
			promptVersion: z.string().min(1),
			documentIds: z.array(z.string().min(1)).min(1),
			generatedAt: isoDate,
			review: z.enum(['pending', 'accepted', 'rejected'])
		})
		.strict()
]);

/** One JSONL line of Assay's golden-set format (see `schemas/golden-case.v1.schema.json`). */
export const GoldenCaseInputSchema = z
	.object({
		id: idText,
		query: z.string().trim().min(1, 'query must not be empty'),
		relevant: z.array(RelevantInputSchema),
		reference: z.string().optional(),
		tags: z.array(z.string()).optional(),
		attack: AttackInputSchema.optional(),
		source: CaseSourceSchema.optional()
	})
	.strict();

const StoredSourceSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('trace'), traceId: z.string(), spanId: z.string(), promotedAt: z.string() }),
	z.object({
		kind: z.literal('synthetic'),
		model: z.string(),
		promptVersion: z.string(),
		documentIds: z.array(z.string()),
		generatedAt: z.string(),
		review: z.enum(['pending', 'accepted', 'rejected'])
	})
]);

const StoredCaseSchema = z.object({
	id: z.string(),
	query: z.string(),
	relevant: z.array(z.object({ doc: z.string(), grade: z.number(), chunk: z.string().optional() })),
	reference: z.string().optional(),
	tags: z.array(z.string()),
	attack: z.object({ canaries: z.array(z.string()), forbiddenHosts: z.array(z.string()) }).optional(),
	source: StoredSourceSchema.optional()
});

/** Stored golden set, validated on read. */
export const GoldenSetRecordSchema = z.object({
	id: z.string(),
	workspaceId: z.string(),
	name: z.string(),
	format: z.enum(['jsonl', 'csv', 'trec', 'beir', 'manual']),
	createdAtMs: z.number(),
	updatedAtMs: z.number(),
	cases: z.array(StoredCaseSchema),
	synthetic: z.array(StoredCaseSchema).optional()
});

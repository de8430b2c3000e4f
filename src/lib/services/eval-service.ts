import {
	GoldenSetRecordSchema,
	parseGoldenCsv,
	parseGoldenJsonl,
	parseGoldenTrec,
	type GoldenCase,
	type GoldenSetFormat,
	type GoldenSetRecord,
	type ParsedGoldenCases
} from '../evals/golden/index.ts';
import { GoldenCaseInputSchema } from '../evals/golden/types.ts';
import { parseEvalReport, type EvalReport } from '../evals/report/index.ts';
import { AssayError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type {
	BeirFolderInput,
	BeirImportProgress,
	BeirImportResult,
	EvalApi,
	EvalRequest,
	EvalRunProgress,
	ExplainRequest,
	ExplainResult,
	GoldenSetImportResult,
	GoldenSetSource
} from './eval-api.ts';
import { importBeirFolder } from './eval-beir.ts';
import { contextualChunksFor, storedContextsFor } from './eval-contextual.ts';
import { contextualText } from '../search/contextual/index.ts';
import type { ChunkingConfigInput } from '../config/schema.ts';
import type { ContextualChunk } from '../search/contextual/types.ts';
import { lexicalIndexFor, runEvaluation, visibleTo, type LexicalIndex } from './eval-run.ts';
import { chunkId, documentReference } from '../shared/identity.ts';
import { chunkDocument } from '../chunking/index.ts';
import { parseRetrievalConfig } from '../evals/runner/index.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import { explainBm25, type Bm25Explanation } from '../search/index.ts';
import { canonicalJson, sha256Text } from '../shared/hash.ts';
import type { LibraryApi } from './library-api.ts';
import type { LibraryInternals } from './library.ts';

/**
 * Golden sets, BEIR import, evaluation runs and stored reports, over the library's store and
 * indexes. Records read back from storage are validated (a damaged one is skipped, never
 * shown half-read).
 */
export function createEvalService(library: LibraryApi, internals: LibraryInternals): EvalApi {
	return new EvalService(library, internals);
}

class EvalService implements EvalApi {
	private readonly cancelled = new Set<string>();
	/** The last index built for explain (one configuration at a time: drill-down repeats it). */
	private explainIndex: { key: string; index: LexicalIndex } | null = null;

	constructor(
		private readonly library: LibraryApi,
		private readonly internals: LibraryInternals
	) {}

	async listGoldenSets(workspaceId: string): Promise<GoldenSetRecord[]> {
		const records = await (await this.internals.store()).goldenSets.listByWorkspace(workspaceId);
		return records.flatMap((r) => {
			const parsed = GoldenSetRecordSchema.safeParse(r);
			return parsed.success ? [parsed.data] : [];
		});
	}

	async importGoldenSet(workspaceId: string, name: string, source: GoldenSetSource): Promise<GoldenSetImportResult> {
		const parsed = parseSource(source);
		if (parsed.cases.length === 0) {
			throw new AssayError(
				'DATASET_INVALID',
				`No valid case in ${name}: ${
					parsed.errors
						.slice(0, 3)
						.map((e) => `line ${e.line}: ${e.message}`)
						.join('; ') || 'the file is empty'
				}`,
				{ details: { errors: parsed.errors.slice(0, 100) } }
			);
		}
		const goldenSet = await this.saveGoldenSet(workspaceId, null, name, parsed.cases, source.format);
		return { goldenSet, errors: parsed.errors };
	}

	async saveGoldenSet(
		workspaceId: string,
		goldenSetId: string | null,
		name: string,
		cases: readonly GoldenCase[],
		format: GoldenSetFormat = 'manual',
		synthetic?: readonly GoldenCase[]
	): Promise<GoldenSetRecord> {
		const ids = new Set<string>();
		for (const c of [...cases, ...(synthetic ?? [])]) {
			const check = GoldenCaseInputSchema.safeParse(c);
			if (!check.success)
				throw new AssayError(
					'DATASET_INVALID',
					`Case "${c.id}": ${check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
				);
			if (ids.has(c.id)) throw new AssayError('DATASET_INVALID', `Case id "${c.id}" appears twice.`);
			ids.add(c.id);
		}
		for (const c of synthetic ?? [])
			if (c.source?.kind !== 'synthetic' || c.source.review === 'accepted')
				throw new AssayError('DATASET_INVALID', `Case "${c.id}": the synthetic queue holds only pending or rejected synthetic cases.`);
		const store = await this.internals.store();
		const previous = goldenSetId ? ((await store.goldenSets.get(goldenSetId)) as GoldenSetRecord | undefined) : undefined;
		if (goldenSetId && !previous) throw new AssayError('NOT_FOUND', `No golden set with id ${goldenSetId}.`);
		const queue = synthetic ?? previous?.synthetic ?? [];
		for (const c of synthetic ? [] : queue)
			if (ids.has(c.id)) throw new AssayError('DATASET_INVALID', `Case id "${c.id}" is taken by a synthetic case under review.`);
		const now = Date.now();
		const record: GoldenSetRecord = {
			id: previous?.id ?? newId('gs'),
			workspaceId,
			name: name.trim() || 'Golden set',
			format: previous?.format ?? format,
			createdAtMs: previous?.createdAtMs ?? now,
			updatedAtMs: now,
			cases: cases.map(storedCase),
			...(queue.length > 0 ? { synthetic: queue.map(storedCase) } : {})
		};
		await store.goldenSets.put(record);
		return record;
	}

	async deleteGoldenSet(goldenSetId: string): Promise<void> {
		await (await this.internals.store()).goldenSets.delete(goldenSetId);
	}

	importBeirFolder(input: BeirFolderInput, onProgress?: (p: BeirImportProgress) => void): Promise<BeirImportResult> {
		return importBeirFolder(this.library, this.internals, input, onProgress);
	}

	async runEval(request: EvalRequest, onProgress?: (p: EvalRunProgress) => void): Promise<EvalReport> {
		try {
			return await runEvaluation(this.internals, request, () => this.cancelled.has(request.jobId), onProgress);
		} finally {
			this.cancelled.delete(request.jobId);
		}
	}

	contextualChunks(workspaceId: string, chunking: ChunkingConfigInput): Promise<ContextualChunk[]> {
		return contextualChunksFor(this.internals, workspaceId, chunking);
	}

	async cancelEval(jobId: string): Promise<void> {
		this.cancelled.add(jobId);
	}

	async listEvalReports(workspaceId: string): Promise<EvalReport[]> {
		const records = await (await this.internals.store()).evalRuns.listByWorkspace(workspaceId);
		return records
			.flatMap((r) => {
				try {
					return [parseEvalReport(r)];
				} catch {
					return [];
				}
			})
			.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
	}

	async importEvalReport(workspaceId: string, json: string): Promise<EvalReport> {
		// 50 MiB of UTF-16 units: the page refuses larger files before reading them; this guards other callers.
		if (json.length > 50 * 1024 * 1024)
			throw new AssayError(
				'DATASET_INVALID',
				`The report is ${(json.length / 1048576).toFixed(1)} MiB of text, more than the 50 MiB a report may be.`
			);
		let value: unknown;
		try {
			value = JSON.parse(json);
		} catch (error) {
			throw new AssayError('DATASET_INVALID', `The report is not valid JSON: ${(error as Error).message}`);
		}
		// Kept in this workspace's list; the id stays, so re-importing the same report replaces it.
		const report = parseEvalReport({ ...(value as object), workspaceId });
		await (await this.internals.store()).evalRuns.put(report);
		return report;
	}

	async deleteEvalReport(reportId: string): Promise<void> {
		await (await this.internals.store()).evalRuns.delete(reportId);
	}

	async explainResult(request: ExplainRequest): Promise<ExplainResult> {
		const config = parseRetrievalConfig(request.config);
		const store = await this.internals.store();
		// Contextual configurations: the contexts the report's model stored, as the run indexed them (no model call).
		const contextModel = config.contextual ? request.contextModel : undefined;
		const contexts =
			config.contextual && contextModel !== undefined
				? await storedContextsFor(
						this.internals,
						contextModel,
						config.contextual,
						await contextualChunksFor(this.internals, request.workspaceId, config.chunking)
					)
				: undefined;
		// The cache key covers the stored documents too, so an import or removal invalidates it.
		const documents = (await store.documents.listByWorkspace(request.workspaceId)).map((d) => `${d.id}:${d.contentHash}:${d.status}`);
		const key = canonicalJson({
			ws: request.workspaceId,
			chunking: config.chunking,
			bm25: config.bm25,
			documents,
			...(contexts ? { contexts: await sha256Text(canonicalJson(contexts)) } : {})
		});
		if (this.explainIndex?.key !== key) {
			this.explainIndex = { key, index: await lexicalIndexFor(this.internals, store, request.workspaceId, config, () => {}, contexts) };
		}
		const index = this.explainIndex.index;
		const visible = visibleTo(index, request.runAs, request.runAs ? await this.internals.access(request.workspaceId) : {});
		// A document the principal may not see answers exactly like one that does not exist.
		const doc = [...visible.documents.values()].find((d) => documentReference(d) === request.documentRef);
		const text = doc ? await store.documents.text(doc.id) : undefined;
		if (!doc || text === undefined) throw new AssayError('NOT_FOUND', `No document "${request.documentRef}" in this workspace.`);
		let best: { ordinal: number; text: string; context: string | null; explanation: Bm25Explanation } | null = null;
		for (const c of chunkDocument(text, chunkFormatFor(doc.mediaType), config.chunking)) {
			const id = chunkId(doc.id, c.ordinal);
			const context = contexts && Object.hasOwn(contexts, id) ? contexts[id]! : null;
			const explanation = explainBm25(index.bm25, request.query, contextualText(context, c.text));
			if (!best || explanation.score > best.explanation.score) best = { ordinal: c.ordinal, text: c.text, context, explanation };
		}
		if (!best) throw new AssayError('NOT_FOUND', `Document "${request.documentRef}" has no chunk.`);
		return {
			documentRef: request.documentRef,
			documentName: doc.name,
			chunkOrdinal: best.ordinal,
			chunkText: best.text.slice(0, 1000),
			explanation: best.explanation,
			...(contexts
				? { contextual: { context: best.context, withContext: Object.keys(contexts).length, chunks: index.indexedTexts?.size ?? 0 } }
				: {})
		};
	}
}

function parseSource(source: GoldenSetSource): ParsedGoldenCases {
	if (source.format === 'trec') return parseGoldenTrec(source.qrelsText, source.queriesText);
	return source.format === 'jsonl' ? parseGoldenJsonl(source.text) : parseGoldenCsv(source.text);
}

/**
 * One object serving several APIs over one worker port (Comlink exposes an object's methods).
 * @throws AssayError `INTERNAL` when two APIs share a method name.
 */
export function combineApis<A extends object, B extends object, C extends object = object>(a: A, b: B, c?: C): A & B & C {
	const out: Record<string, unknown> = {};
	for (const api of c ? [a, b, c] : [a, b]) {
		for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(api))) {
			const fn = (api as Record<string, unknown>)[name];
			if (name === 'constructor' || typeof fn !== 'function') continue;
			if (name in out) throw new AssayError('INTERNAL', `API method "${name}" is defined twice.`);
			out[name] = (fn as (...args: unknown[]) => unknown).bind(api);
		}
	}
	return out as A & B & C;
}

/** A plain copy of a case for IndexedDB (no extra fields; nested arrays copied). */
function storedCase(c: GoldenCase): GoldenCase {
	return {
		id: c.id,
		query: c.query,
		relevant: c.relevant.map((r) => ({ ...r })),
		...(c.reference ? { reference: c.reference } : {}),
		tags: [...c.tags],
		...(c.attack ? { attack: { canaries: [...c.attack.canaries], forbiddenHosts: [...c.attack.forbiddenHosts] } } : {}),
		...(c.source
			? { source: c.source.kind === 'synthetic' ? { ...c.source, documentIds: [...c.source.documentIds] } : { ...c.source } }
			: {})
	};
}

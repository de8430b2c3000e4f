import { evaluableCases, GoldenSetRecordSchema } from '../evals/golden/index.ts';
import { goldenSetHash } from '../evals/report/build.ts';
import {
	MAX_REPEATS,
	repeatRunId,
	type AnswerRecord,
	type AnswerRunRecord,
	type GradingSettings,
	type AnswerRunStatus
} from '../evals/answers/types.ts';
import { ContextMatcher, type CorpusDocument, type ContextMatchResult } from '../evals/system/contexts.ts';
import type { SystemContext } from '../evals/system/types.ts';
import { buildAnswerReport } from '../evals/answers/report.ts';
import { buildSystemReport } from '../evals/system/report.ts';
import { parseAnswerRunConfig } from '../evals/answers/config.ts';
import type { EvalReport } from '../evals/report/types.ts';
import { AssayError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { AnswerApi, AnswerReportRequest, AnswerRunState, StartAnswerRunRequest } from './answer-api.ts';
import type { LibraryApi } from './library-api.ts';
import type { LibraryInternals } from './library.ts';
import { corpusHash, documentReference } from '../shared/identity.ts';
import type { AnswerCacheEntry, QuestionEmbedding } from '../cache/answer-cache.ts';
import { embeddingModelKey, embeddingSpecFor } from '../embedding/index.ts';

/**
 * Answer runs in storage (schema v4), their reports, and the response cache (schema v5). Records read back are checked for the
 * fields this service relies on; a damaged run is skipped in lists, never shown half-read.
 */
export function createAnswerService(library: LibraryApi, internals: LibraryInternals): AnswerApi {
	return new AnswerService(library, internals);
}

function isRun(value: unknown): value is AnswerRunRecord {
	const r = value as Partial<AnswerRunRecord> | null;
	return (
		!!r &&
		typeof r.id === 'string' &&
		typeof r.workspaceId === 'string' &&
		typeof r.goldenSetId === 'string' &&
		Array.isArray(r.caseIds) &&
		Array.isArray(r.cases) &&
		typeof r.config === 'object' &&
		r.config !== null &&
		typeof r.status === 'string'
	);
}

class AnswerService implements AnswerApi {
	/** The last context matcher built, per workspace, with the document state it was built from. */
	readonly #matchers = new Map<string, { readonly key: string; readonly matcher: ContextMatcher }>();

	constructor(
		private readonly library: LibraryApi,
		private readonly internals: LibraryInternals
	) {}

	async startAnswerRun(request: StartAnswerRunRequest): Promise<AnswerRunRecord> {
		parseAnswerRunConfig(request.config);
		const store = await this.internals.store();
		const parsed = GoldenSetRecordSchema.safeParse(await store.goldenSets.get(request.goldenSetId));
		if (!parsed.success) throw new AssayError('NOT_FOUND', `No golden set with id ${request.goldenSetId}.`);
		// Pending and rejected synthetic cases are never answered (only accepted ones join a run).
		const gs = { ...parsed.data, cases: evaluableCases(parsed.data.cases) };
		const repeats = request.repeats ?? 1;
		if (!Number.isInteger(repeats) || repeats < 1 || repeats > MAX_REPEATS)
			throw new AssayError('CONFIG_INVALID', `Repeats must be a whole number from 1 to ${MAX_REPEATS}; got ${String(repeats)}.`);
		if (gs.cases.length === 0) throw new AssayError('DATASET_INVALID', `Golden set "${gs.name}" has no case to answer.`);
		const now = Date.now();
		const run: AnswerRunRecord = {
			id: newId('ans'),
			workspaceId: request.workspaceId,
			goldenSetId: gs.id,
			goldenSetName: gs.name,
			goldenSetHash: await goldenSetHash(gs.cases),
			caseIds: gs.cases.map((c) => c.id),
			cases: gs.cases,
			config: request.config,
			status: 'running',
			grading: null,
			...(repeats > 1 ? { repeats } : {}),
			createdAtMs: now,
			updatedAtMs: now
		};
		await store.answerRuns.put(run);
		return run;
	}

	async listAnswerRuns(workspaceId: string): Promise<AnswerRunRecord[]> {
		const runs = (await (await this.internals.store()).answerRuns.listByWorkspace(workspaceId)).filter(isRun);
		return runs.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
	}

	async answerRunState(runId: string): Promise<AnswerRunState> {
		const store = await this.internals.store();
		const run = await this.#run(runId);
		const stored = await store.answers.listByRun<AnswerRecord>(runId);
		const byCase = new Map(stored.map((a) => [a.caseId, a]));
		// The run's own snapshot of the golden set, never the set as edited since.
		const answers = run.cases.flatMap((c) => byCase.get(c.id) ?? []);
		const pending = run.cases.filter((c) => !byCase.has(c.id));
		return { run, answers, pending };
	}

	async saveAnswer(record: AnswerRecord, repeat = 0): Promise<void> {
		const run = await this.#run(record.runId);
		if (!run.caseIds.includes(record.caseId))
			throw new AssayError('DATASET_INVALID', `Case "${record.caseId}" is not part of answer run ${run.id}.`);
		const repeats = run.repeats ?? 1;
		if (!Number.isInteger(repeat) || repeat < 0 || repeat >= repeats)
			throw new AssayError(
				'DATASET_INVALID',
				`Answer run ${run.id} has ${repeats} repeat${repeats === 1 ? '' : 's'} (0–${repeats - 1}); got repeat ${String(repeat)}.`
			);
		await (await this.internals.store()).answers.put(repeat === 0 ? record : { ...record, runId: repeatRunId(run.id, repeat) });
	}

	async answerRepeats(runId: string): Promise<AnswerRecord[][]> {
		const run = await this.#run(runId);
		const store = await this.internals.store();
		const out: AnswerRecord[][] = [];
		for (let r = 1; r < (run.repeats ?? 1); r++) {
			const byCase = new Map((await store.answers.listByRun<AnswerRecord>(repeatRunId(runId, r))).map((a) => [a.caseId, a] as const));
			out.push(
				run.cases.flatMap((c) => {
					const a = byCase.get(c.id);
					return a ? [{ ...a, runId }] : [];
				})
			);
		}
		return out;
	}

	async matchContexts(workspaceId: string, contexts: readonly (readonly SystemContext[])[]): Promise<ContextMatchResult[]> {
		const matcher = await this.#matcher(workspaceId);
		return contexts.map((c) => matcher.match(c));
	}

	/** The workspace's documents (ref = external id, else relative path) and chunk texts as a matcher corpus; rebuilt only when the documents changed. */
	async #matcher(workspaceId: string): Promise<ContextMatcher> {
		const index = await this.internals.workspaceIndex(workspaceId);
		const documents = [...index.documents.values()];
		const key = documents
			.map((d) => `${d.id}\t${d.contentHash}`)
			.sort()
			.join('\n');
		const known = this.#matchers.get(workspaceId);
		if (known && known.key === key) return known.matcher;
		const store = await this.internals.store();
		const corpus: CorpusDocument[] = [];
		for (const d of documents) {
			const [text, chunks] = await Promise.all([store.documents.text(d.id), store.chunks.listByDocument(d.id)]);
			corpus.push({
				ref: documentReference(d),
				text: text ?? chunks.map((c) => c.text).join('\n'),
				chunks: chunks.map((c) => c.text)
			});
		}
		const matcher = new ContextMatcher(corpus);
		this.#matchers.set(workspaceId, { key, matcher });
		return matcher;
	}

	async updateAnswerRun(
		runId: string,
		patch: {
			readonly status?: AnswerRunStatus;
			readonly grading?: GradingSettings | null;
			readonly label?: string;
			readonly contextMatching?: AnswerRunRecord['contextMatching'];
		}
	): Promise<AnswerRunRecord> {
		const run = await this.#run(runId);
		const next: AnswerRunRecord = {
			...run,
			...(patch.status !== undefined ? { status: patch.status } : {}),
			...(patch.grading !== undefined ? { grading: patch.grading } : {}),
			...(patch.label !== undefined ? { config: { ...run.config, label: patch.label } } : {}),
			...(patch.contextMatching !== undefined ? { contextMatching: patch.contextMatching } : {}),
			updatedAtMs: Date.now()
		};
		await (await this.internals.store()).answerRuns.put(next);
		return next;
	}

	async deleteAnswerRun(runId: string): Promise<void> {
		await (await this.internals.store()).answers.deleteRun(runId);
	}

	async saveAnswerReport(request: AnswerReportRequest): Promise<EvalReport> {
		const store = await this.internals.store();
		const { run, answers } = await this.answerRunState(request.runId);
		if (answers.length === 0) throw new AssayError('DATASET_INVALID', 'The run has no answer yet: nothing to report.');
		if (run.config.system) {
			// Another system answered: the system report (failed cases counted in "errors", never scored; no retrieval metric when its contexts name no document).
			const report = await buildSystemReport({
				id: newId('run'),
				runId: run.id,
				system: run.config.system,
				goldenSet: { id: run.goldenSetId, name: run.goldenSetName, cases: run.cases },
				byRepeat: [answers, ...(await this.answerRepeats(run.id))],
				grading: run.grading,
				contextMatching: run.contextMatching ?? null,
				baseSeed: run.config.seed,
				cancelled: run.status !== 'complete',
				appVersion: request.appVersion,
				createdAtMs: Date.now(),
				environment: request.environment,
				contentHash: run.goldenSetHash,
				workspaceId: run.workspaceId,
				...(request.priceTable ? { priceTable: request.priceTable } : {})
			});
			await store.evalRuns.put(report);
			return report;
		}
		const index = await this.internals.workspaceIndex(run.workspaceId);
		const config = await this.library.workspaceConfig(run.workspaceId);
		const documents = [...index.documents.values()];
		const workspace = (await this.library.listWorkspaces()).find((w) => w.id === run.workspaceId);
		const contentHash = await corpusHash(documents);
		// A system under test retrieved with its own index: the workspace's vectors played no part.
		const dense = run.config.mode !== 'lexical' && run.config.system === undefined;
		const backends = dense ? (await this.library.semanticStatus(run.workspaceId)).backends : [];
		const report = await buildAnswerReport({
			id: newId('run'),
			run,
			answers,
			...(request.priceTable ? { priceTable: request.priceTable } : {}),
			goldenSet: { id: run.goldenSetId, name: run.goldenSetName, cases: run.cases },
			documents: documents.map((d) => ({
				id: d.id,
				name: d.name,
				relativePath: d.relativePath,
				...(d.externalId !== undefined ? { externalId: d.externalId } : {})
			})),
			corpus: {
				workspaceName: workspace?.name ?? '',
				documents: documents.length,
				chunks: documents.reduce((n, d) => n + d.chunkCount, 0),
				contentHash
			},
			analyzer: { name: index.analyzer.name, fingerprint: index.analyzer.fingerprint },
			bm25: { k1: config.bm25.k1, b: config.bm25.b },
			chunking: {
				mode: config.chunking.mode ?? 'recursive',
				chunkSizeChars: config.chunking.chunkSizeChars,
				chunkOverlapChars: config.chunking.chunkOverlapChars
			},
			embeddingModel: dense
				? {
						id: config.embedding.modelId,
						dtype: config.embedding.dtype,
						backend: backends.length > 0 ? `vectors ${backends.join('+')}` : 'unknown'
					}
				: null,
			rrfK: config.retrieval.rrfK,
			...(config.retrieval.fusion ? { fusion: config.retrieval.fusion } : {}),
			reranker: run.config.mode === 'hybrid-rerank' && config.rerank.enabled ? config.rerank.modelId : null,
			appVersion: request.appVersion,
			createdAtMs: Date.now(),
			environment: request.environment,
			pairwise: request.pairwise ?? null
		});
		await store.evalRuns.put(report);
		return report;
	}

	async getCachedResponse(key: string): Promise<unknown> {
		return (await this.internals.store()).responseCache.get(key);
	}

	async putCachedResponse(key: string, value: unknown): Promise<void> {
		await (await this.internals.store()).responseCache.put(key, value, Date.now());
	}

	async cachedResponseCount(): Promise<number> {
		return (await this.internals.store()).responseCache.count();
	}

	async clearResponseCache(): Promise<number> {
		return (await this.internals.store()).responseCache.clear();
	}

	async listAnswerCache(workspaceId: string): Promise<AnswerCacheEntry[]> {
		return (await (await this.internals.store()).answerCache.listByWorkspace(workspaceId)) as AnswerCacheEntry[];
	}

	async putAnswerCacheEntry(entry: AnswerCacheEntry): Promise<void> {
		await (await this.internals.store()).answerCache.put(entry);
	}

	async deleteAnswerCacheEntries(keys: readonly string[]): Promise<number> {
		return (await this.internals.store()).answerCache.delete(keys);
	}

	async clearAnswerCache(workspaceId: string): Promise<number> {
		return (await this.internals.store()).answerCache.clearWorkspace(workspaceId);
	}

	async answerCacheContext(workspaceId: string): Promise<{ readonly corpusHash: string }> {
		const index = await this.internals.workspaceIndex(workspaceId);
		return { corpusHash: await corpusHash(index.documents.values()) };
	}

	async embedQuestion(workspaceId: string, question: string): Promise<QuestionEmbedding> {
		const { config, embedder } = await this.internals.dense(workspaceId);
		if (!embedder)
			throw new AssayError('WORKER_FAILED', 'The semantic answer cache needs the embedding model, whose worker is not connected.');
		const spec = embeddingSpecFor(config);
		const result = await embedder.embed(spec, [question], 'query');
		const vector = result.vectors[0];
		if (!vector) throw new AssayError('MODEL_LOAD_FAILED', 'The embedding model returned no vector for the question.');
		return { modelKey: embeddingModelKey(spec), vector: Array.from(vector) };
	}

	/** The stored run, checked. @throws AssayError `NOT_FOUND` for an unknown or damaged record. */
	async #run(runId: string): Promise<AnswerRunRecord> {
		const run = await (await this.internals.store()).answerRuns.get(runId);
		if (!isRun(run)) throw new AssayError('NOT_FOUND', `No answer run with id ${runId}.`);
		return run;
	}
}

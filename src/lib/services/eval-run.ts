import { chunkDocument } from '../chunking/index.ts';
import { contextualText } from '../search/contextual/index.ts';
import { rewritingLexicalRetriever } from './eval-rewrite.ts';
import { canonicalJson } from '../shared/hash.ts';
import { chunkId, corpusHash, documentIdOf, documentReference } from '../shared/identity.ts';
import { parseAppConfig, sameChunking } from '../config/schema.ts';
import { evaluableCases, resolveGoldenSet, type GoldenSetRecord } from '../evals/golden/index.ts';
import { evaluateRetrieval, REPORT_CUTOFFS, type Qrels, type RankedList, type RunEntry } from '../evals/metrics/index.ts';
import { computeRerankEffect } from '../evals/rerank-effect/index.ts';
import { buildEvalReport, type EvalReport } from '../evals/report/index.ts';
import { computeAblation } from '../evals/ablation/index.ts';
import { parseRetrievalConfig, runQueries, type RetrievalConfig, type Retriever } from '../evals/runner/index.ts';
import { chunkFormatFor } from '../ingest/media-types.ts';
import type { DocumentRecord } from '../ingest/types.ts';
import { Bm25Index, createAnalyzer, rankDocumentsByBestChunk } from '../search/index.ts';
import { canSee, type AccessList, type Principal } from '../search/filters/index.ts';
import { AssayError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { AssayStore } from '../storage/index.ts';
import { withSpan } from '../tracing/tracer.ts';
import { GEN_AI } from '../tracing/otlp/conventions.ts';
import type { Span, Tracer } from '../tracing/types.ts';
import type { ContextualReport } from '../search/contextual/schema.ts';
import type { EvalRequest, EvalRunProgress } from './eval-api.ts';
import type { LibraryInternals } from './library.ts';
import { checkDenseEvaluation, denseEvaluation, type PassageVectors } from './eval-dense.ts';
import { contextualVectorsFor } from './eval-contextual-vectors.ts';
import type { DenseContext } from './semantic-service.ts';
import { embeddingSpecFor } from '../embedding/index.ts';
import { expandEvaluation } from './eval-expand.ts';

/** A BM25 chunk index for one configuration, and its documents. */
export interface LexicalIndex {
	readonly bm25: Bm25Index;
	readonly documents: ReadonlyMap<string, DocumentRecord>;
	readonly analyzerName: string;
	readonly analyzerFingerprint: string;
	readonly chunkCount: number;
	/** Chunks per document id (the counts this index was built with). */
	readonly chunksByDocument: ReadonlyMap<string, number>;
	/** True when this is the workspace index itself (its chunks are the stored ones), false when built in memory. */
	readonly fromWorkspace?: boolean;
	/** With contexts only: chunk id → the text indexed (`contextualText(context, chunk)`), in index order, for the contextual vectors. */
	readonly indexedTexts?: ReadonlyMap<string, string>;
}

/**
 * The lexical index a configuration needs. When its chunking and BM25 settings equal the
 * workspace's, this is the workspace index itself (the one the search page uses); otherwise
 * an index is built in memory from the stored texts with the same chunker and BM25 code.
 * With `contexts` (contextual chunks, chunk id → context), the index is always built in memory
 * and each chunk is indexed as `contextualText(context, chunk)`; a chunk without one as is
 * (those texts are returned as `indexedTexts`).
 */
export async function lexicalIndexFor(
	internals: LibraryInternals,
	store: AssayStore,
	workspaceId: string,
	config: RetrievalConfig,
	onProgress: (done: number, total: number) => void,
	contexts?: Readonly<Record<string, string>>
): Promise<LexicalIndex> {
	const ws = await store.workspaces.get(workspaceId);
	if (!ws) throw new AssayError('NOT_FOUND', `No workspace with id ${workspaceId}.`);
	const wsConfig = parseAppConfig(ws.config);
	if (!contexts && sameChunking(wsConfig.chunking, config.chunking) && canonicalJson(wsConfig.bm25) === canonicalJson(config.bm25)) {
		const index = await internals.workspaceIndex(workspaceId);
		let chunkCount = 0;
		const chunksByDocument = new Map<string, number>();
		for (const d of index.documents.values()) {
			chunkCount += d.chunkCount;
			chunksByDocument.set(d.id, d.chunkCount);
		}
		return {
			bm25: index.bm25,
			documents: index.documents,
			analyzerName: index.analyzer.name,
			analyzerFingerprint: index.analyzer.fingerprint,
			chunkCount,
			chunksByDocument,
			fromWorkspace: true
		};
	}
	const analyzer = createAnalyzer(config.bm25.analyzer);
	const bm25 = new Bm25Index({ k1: config.bm25.k1, b: config.bm25.b }, analyzer);
	const documents = new Map<string, DocumentRecord>();
	const chunksByDocument = new Map<string, number>();
	const ready = (await store.documents.listByWorkspace(workspaceId)).filter((d) => d.status === 'ready');
	let chunkCount = 0;
	const indexedTexts = contexts ? new Map<string, string>() : undefined;
	for (const [i, doc] of ready.entries()) {
		const text = await store.documents.text(doc.id);
		if (text === undefined) continue;
		let chunks = 0;
		for (const c of chunkDocument(text, chunkFormatFor(doc.mediaType), config.chunking)) {
			const id = chunkId(doc.id, c.ordinal);
			const indexed = contexts && Object.hasOwn(contexts, id) ? contextualText(contexts[id], c.text) : c.text;
			bm25.add(id, indexed);
			indexedTexts?.set(id, indexed);
			chunks++;
		}
		chunkCount += chunks;
		chunksByDocument.set(doc.id, chunks);
		documents.set(doc.id, doc);
		if ((i + 1) % 250 === 0) onProgress(i + 1, ready.length);
	}
	return {
		bm25,
		documents,
		analyzerName: analyzer.name,
		analyzerFingerprint: analyzer.fingerprint,
		chunkCount,
		chunksByDocument,
		...(indexedTexts ? { indexedTexts } : {})
	};
}

/**
 * The part of `index` a principal may see: documents whose access list excludes them are
 * dropped from `documents` (the retrievers only return chunks of `documents`, see
 * {@link lexicalRetriever} and `denseEvaluation`) and from the counts. `null` = the owner: the
 * index as is.
 */
export function visibleTo(
	index: LexicalIndex,
	principal: Principal | null | undefined,
	acls: Readonly<Record<string, AccessList>>
): LexicalIndex {
	if (!principal) return index;
	const documents = new Map<string, DocumentRecord>();
	const chunksByDocument = new Map<string, number>();
	let chunkCount = 0;
	for (const [id, doc] of index.documents) {
		if (!canSee(acls[id], principal)) continue;
		documents.set(id, doc);
		const n = index.chunksByDocument.get(id) ?? 0;
		chunksByDocument.set(id, n);
		chunkCount += n;
	}
	return { ...index, documents, chunksByDocument, chunkCount };
}

/**
 * Lexical retrieval exactly as search ranks documents: each document by its best chunk; only
 * chunks of `index.documents` are retrieved (the same filter search applies).
 * Only the top chunks are scored and sorted: with the top n chunk hits, every document whose
 * best score is above the n-th hit's score is ranked exactly (an unseen chunk scores no
 * higher), so n doubles until the depth-th document clears that bar or all hits are in.
 */
export function lexicalRetriever(index: Pick<LexicalIndex, 'bm25' | 'documents'>): Retriever {
	const lastHits = new Map<string, string[]>();
	return {
		chunkHits: (query) => lastHits.get(query),
		retrieve(query, depth): RunEntry[] {
			let n = Math.min(index.bm25.size, depth * 2);
			for (;;) {
				const chunkHits = index.bm25.search(query, { topK: n, filter: (id) => index.documents.has(documentIdOf(id)) });
				const ranked = rankDocumentsByBestChunk(chunkHits, documentIdOf);
				const last = chunkHits[chunkHits.length - 1];
				const cut = ranked[depth - 1];
				const complete =
					chunkHits.length < n || n >= index.bm25.size || (cut !== undefined && last !== undefined && cut.score > last.score);
				if (complete) {
					lastHits.set(
						query,
						chunkHits.map((h) => h.id)
					);
					return ranked
						.slice(0, depth)
						.map((h) => ({ docId: documentReference(index.documents.get(h.id) as DocumentRecord), score: h.score }));
				}
				n = Math.min(index.bm25.size, n * 2);
			}
		}
	};
}

/**
 * The vectors a dense configuration with contextual chunks searches: every chunk of `index` the
 * principal may see (`index.documents`), embedded as its indexed text (`context + chunk`) with the
 * workspace's embedding model, read from / stored in the global `responseCache` store.
 * @throws AssayError as `checkDenseEvaluation` (checked before anything is embedded),
 *   `DATASET_INVALID` when cancelled while embedding, `EMBEDDINGS_MISSING` for a corpus without chunks.
 */
async function contextualPassageVectors(
	ctx: DenseContext,
	config: RetrievalConfig,
	store: AssayStore,
	index: LexicalIndex,
	isCancelled: () => boolean,
	onProgress: (done: number, total: number) => void
): Promise<{ vectors: PassageVectors; counts: { embedded: number; cached: number } }> {
	checkDenseEvaluation(ctx, config, false);
	const texts = new Map([...index.indexedTexts!].filter(([id]) => index.documents.has(documentIdOf(id))));
	const built = await contextualVectorsFor(ctx.embedder!, embeddingSpecFor(ctx.config), store.responseCache, texts, {
		isCancelled,
		onProgress
	});
	if (!built.index) throw new AssayError('EMBEDDINGS_MISSING', `Mode ${config.mode} has no chunks to embed in this workspace.`);
	return { vectors: { index: built.index, backends: built.backends }, counts: { embedded: built.embedded, cached: built.cached } };
}

/**
 * The contexts of a contextual configuration as a child span `chunk.context` of the evaluation
 * (OpenTelemetry GenAI names: `gen_ai.operation.name` chat, provider, request model, and the
 * calls' summed `gen_ai.usage.input_tokens` / `output_tokens`), so the trace viewer counts and
 * prices them like other model calls; `assay.context.generated` / `cached` / `failed` / `calls`
 * and the prompt version. Contexts read from the cache cost no tokens. The calls ran on the page
 * before the evaluation (one per chunk, see `contextsForEval`); the span has no duration of its own.
 */
function recordContextSpan(tracer: Tracer, parent: Span, report: ContextualReport): void {
	tracer
		.startSpan('chunk.context', {
			parent,
			attributes: {
				[GEN_AI.operationName]: 'chat',
				[GEN_AI.providerName]: report.provider,
				[GEN_AI.requestModel]: report.model,
				[GEN_AI.inputTokens]: report.inputTokens,
				[GEN_AI.outputTokens]: report.outputTokens,
				'assay.context.prompt_version': report.promptVersion,
				'assay.context.generated': report.generated,
				'assay.context.cached': report.cached,
				'assay.context.failed': report.failed,
				'assay.context.calls': report.calls
			}
		})
		.end();
}

/** Re-key judgments from workspace document ids to portable references (unmatched `?ref` keys stay). */
function qrelsByReference(qrels: Qrels, documents: ReadonlyMap<string, DocumentRecord>): Qrels {
	const out = new Map<string, Map<string, number>>();
	for (const [qid, judged] of qrels) {
		const m = new Map<string, number>();
		for (const [id, grade] of judged) {
			const doc = documents.get(id);
			m.set(doc ? documentReference(doc) : id, grade);
		}
		out.set(qid, m);
	}
	return out;
}

/** A run (query id → entries) as ranked lists, in the run's order. */
function toRankedLists(run: ReadonlyMap<string, readonly RunEntry[]>): RankedList[] {
	return [...run].map(([queryId, entries]) => ({ queryId, hits: entries.map((e) => ({ id: e.docId, score: e.score })) }));
}

/**
 * Evaluate one configuration over a golden set: build or reuse the index, retrieve every case
 * (timed, cancellable between queries), compute the metrics, and store the report.
 * Dense modes run through the search page's `retrieve()` pipeline on the stored vectors (see
 * `denseEvaluation`); with contextual chunks, on vectors of `context + chunk` embedded here with
 * the workspace's model and cached in `responseCache` (a second run embeds nothing).
 * @throws AssayError `NOT_FOUND` (workspace, golden set), `CONFIG_INVALID` (configuration),
 *   `EMBEDDINGS_MISSING` / `SEARCH_MODE_UNAVAILABLE` (dense modes without vectors or models),
 *   `DATASET_INVALID` (empty golden set, or cancelled before any query finished).
 */
export async function runEvaluation(
	internals: LibraryInternals,
	request: EvalRequest,
	isCancelled: () => boolean,
	onProgress?: (p: EvalRunProgress) => void
): Promise<EvalReport> {
	const config = parseRetrievalConfig(request.config);
	if (config.rewrite && !request.rewrite)
		throw new AssayError('CONFIG_INVALID', `Configuration "${config.label}" rewrites queries, but no rewrites were made for it.`);
	const plans = config.rewrite ? request.rewrite!.plans : undefined;
	if (config.contextual && !request.contextual)
		throw new AssayError('CONFIG_INVALID', `Configuration "${config.label}" uses contextual chunks, but no contexts were written for it.`);
	const contexts = config.contextual ? request.contextual!.contexts : undefined;
	const store = await internals.store();
	const stored = (await store.goldenSets.get(request.goldenSetId)) as GoldenSetRecord | undefined;
	if (!stored || stored.workspaceId !== request.workspaceId)
		throw new AssayError('NOT_FOUND', `No golden set ${request.goldenSetId} in this workspace.`);
	// Real cases and accepted synthetic ones; pending or rejected synthetic cases are never evaluated.
	const goldenSet = { ...stored, cases: evaluableCases(stored.cases) };
	const ws = await store.workspaces.get(request.workspaceId);
	const started = performance.now();
	const tracer = internals.tracer(request.workspaceId);
	return withSpan(
		tracer,
		'eval.run',
		{ attributes: { 'assay.eval.cases': goldenSet.cases.length, 'assay.search.mode': config.mode, 'assay.eval.label': config.label } },
		async (span) => {
			if (config.contextual && request.contextual) recordContextSpan(tracer, span, request.contextual.report);
			const principal = request.runAs ?? null;
			// One rule for every surface: the principal's access lists shape the corpus before anything is retrieved.
			const index = visibleTo(
				await lexicalIndexFor(
					internals,
					store,
					request.workspaceId,
					config,
					(done, total) => onProgress?.({ jobId: request.jobId, phase: 'indexing', done, total }),
					contexts
				),
				principal,
				principal ? await internals.access(request.workspaceId) : {}
			);
			const denseCtx = config.mode === 'lexical' ? null : await internals.dense(request.workspaceId);
			// Contextual chunks in a dense mode: embed `context + chunk` with the workspace's model (cached per chunk and text).
			const own =
				denseCtx && index.indexedTexts
					? await withSpan(
							tracer,
							'embed.contextual',
							{ parent: span, attributes: { [GEN_AI.requestModel]: denseCtx.config.embedding.modelId } },
							async (embedSpan) => {
								const built = await contextualPassageVectors(denseCtx, config, store, index, isCancelled, (done, total) =>
									onProgress?.({ jobId: request.jobId, phase: 'embedding', done, total })
								);
								embedSpan.setAttributes({ 'assay.embed.chunks': built.counts.embedded, 'assay.embed.cached': built.counts.cached });
								return built;
							}
						)
					: undefined;
			const dense = denseCtx ? denseEvaluation(denseCtx, index, store, config, documentReference, plans, own?.vectors) : null;
			const indexMs = performance.now() - started;
			const cases = goldenSet.cases;
			const lexical = plans ? rewritingLexicalRetriever(lexicalRetriever(index), plans, config.rrfK) : lexicalRetriever(index);
			const retriever = dense ? dense.retriever : lexical;
			const result = await runQueries(cases, retriever, {
				depth: config.depth,
				isCancelled,
				onProgress: (p) => onProgress?.({ jobId: request.jobId, phase: 'querying', done: p.done, total: p.total })
			});
			if (result.run.size === 0) throw new AssayError('DATASET_INVALID', 'The evaluation was cancelled before any query finished.');
			const evaluated = cases.filter((c) => result.run.has(c.id));
			const docKeys = [...index.documents.values()].map((d) => ({
				id: d.id,
				name: d.name,
				relativePath: d.relativePath,
				...(d.externalId !== undefined ? { externalId: d.externalId } : {})
			}));
			const resolved = resolveGoldenSet(evaluated, docKeys);
			const qrels = qrelsByReference(resolved.qrels, index.documents);
			const cutoffs = [...new Set([...REPORT_CUTOFFS, config.topK])].sort((a, b) => a - b);
			const relevanceLevel = request.relevanceLevel ?? 1;
			const ndcgGain = request.ndcgGain ?? 'linear';
			const metrics = evaluateRetrieval(qrels, result.run, { cutoffs, relevanceLevel, ndcgGain });
			const ablation =
				request.ablation && dense
					? computeAblation(dense.stageLists(new Map(evaluated.map((c) => [c.id, c.query]))), qrels, {
							topK: config.depth,
							cutoffs,
							relevanceLevel,
							ndcgGain
						})
					: undefined;
			const contentHash = await corpusHash(index.documents.values());
			// Chunk places as the retrieved ids were made: stored chunks for the workspace index and the stored vectors, else re-chunked like the in-memory index.
			const storedChunks = index.fromWorkspace === true || dense !== null;
			const expansion = await expandEvaluation(retriever, evaluated, config, index.documents, store, storedChunks, documentReference);
			const report = await buildEvalReport({
				id: newId('run'),
				workspaceId: request.workspaceId,
				appVersion: request.appVersion,
				createdAtMs: Date.now(),
				cancelled: result.cancelled,
				goldenSet,
				corpus: { workspaceName: ws?.name ?? '', documents: index.documents.size, chunks: index.chunkCount, contentHash },
				analyzer: { name: index.analyzerName, fingerprint: index.analyzerFingerprint },
				config,
				relevanceLevel,
				ndcgGain,
				cutoffs,
				metrics,
				qrels,
				run: result.run,
				latencyMs: result.latencyMs,
				unmatched: resolved.unmatched,
				totalMs: performance.now() - started,
				indexMs,
				environment: request.environment,
				...(expansion ? { expansion } : {}),
				...(principal ? { runAs: { user: principal.user, groups: [...principal.groups] } } : {}),
				...(config.rewrite && request.rewrite ? { rewrite: request.rewrite.report } : {}),
				...(config.contextual && request.contextual
					? { contextual: { ...request.contextual.report, ...(own ? { vectors: own.counts } : {}) } }
					: {}),
				...(ablation ? { ablation } : {}),
				...(dense ? { embeddingModel: dense.embeddingModel(), indexType: dense.indexType, reranker: dense.reranker } : {}),
				...(() => {
					const rerank = dense?.rerankTruncation(new Map(evaluated.map((c) => [c.id, c.query])));
					return rerank ? { rerank } : {};
				})(),
				...(() => {
					const fused = dense?.fusedRun(new Map(evaluated.map((c) => [c.id, c.query])), config.depth);
					if (!fused) return {};
					const rerankEffect = computeRerankEffect(qrels, toRankedLists(fused), toRankedLists(result.run), {
						metric: 'ndcg@10',
						topK: config.topK,
						relevanceLevel,
						poolDepth: dense!.poolDepth,
						evaluate: (run) => evaluateRetrieval(qrels, run, { cutoffs, relevanceLevel, ndcgGain }).perQuery
					});
					return { rerankEffect };
				})()
			});
			span.setAttributes({
				'assay.eval.ndcg_10': report.metrics.aggregate['ndcg@10']?.mean ?? -1,
				'assay.eval.queries': report.metrics.queryCount
			});
			await store.evalRuns.put(report);
			return report;
		}
	);
}

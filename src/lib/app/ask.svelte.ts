import { AssayError } from '$lib/shared/errors.ts';
import { recordTrace } from './traces/prefs.ts';
import type { RetrievalMode } from '$lib/search/retrieval/index.ts';
import { BasicTracer, InMemorySpanSink, type SpanRecord } from '$lib/tracing/index.ts';
import { annotateRoot } from '$lib/tracing/content.ts';
import type { RetrievedSource } from '$lib/evals/answers/run.ts';
import { answerContent, recordFeedback, type Rating } from './feedback.ts';
import {
	EstimateTokenizer,
	TICKET_SCHEMA,
	type StructuredResult,
	type ChatModel,
	type CitationSummary,
	type FinishReason,
	type GenerationMetrics,
	type PackedSource
} from '$lib/generation/index.ts';
import { answerQuestion, type AnswerEvent, type AnswerStage } from '$lib/rag/index.ts';
import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { LibraryClient } from './library-client.ts';
import { searchSources } from '$lib/services/retrieved-sources.ts';
import { loadRunAs } from './run-as.ts';
import { PromptStudio } from './prompt-studio.svelte.ts';
import type { AppCore } from './app-core.svelte.ts';
import { describe } from './describe.ts';
import { AnsweringDesk } from './answering-desk.svelte.ts';
import { runStructured } from './ask-structured.ts';
import { openAiEndpointOf, validateEndpoint, type EndpointSettings } from './ask-endpoint.ts';
import { answerCacheHook, type AnswerCacheSettings, type AnswerCacheStats } from '$lib/cache/answer-cache.ts';
import { askAnswerCache, loadAnswerCacheSettings, saveAnswerCacheSettings } from './ask-cache.ts';
import type { EndpointProfile } from './profiles/profiles.ts';
import { CacheQualityCheck } from './cache-quality.svelte.ts';
import { buildAskRouting, loadAskRouting, saveAskRouting, type AskRoutingSettings } from './ask-routing.ts';
import type { AnswerRouting, RouteDecision } from '$lib/rag/index.ts';

/** The cache hit behind the current answer (the page shows it and offers Regenerate). */
export interface CacheHitState {
	readonly kind: 'exact' | 'semantic';
	readonly similarity: number;
	/** When the served entry was stored, epoch ms. */
	readonly createdAtMs: number;
	readonly key: string;
}

/** One answer as the page shows it. */
export interface AnswerState {
	question: string;
	text: string;
	sources: PackedSource[];
	droppedChunks: number;
	promptTokens: number;
	citations: CitationSummary | null;
	metrics: GenerationMetrics | null;
	finishReason: FinishReason | null;
	error: { code: string; message: string } | null;
	spans: SpanRecord[];
	/** Where the answer is now (`null` before it starts); stays at the last stage once it ends. */
	stage: AnswerStage | null;
	/** Which model the router chose and why (null: routing off). */
	route: RouteDecision | null;
}

/**
 * State and actions of the Ask page (Svelte 5 runes): pick a workspace, retrieve with a search
 * mode, assemble the prompt by token budget, stream the answer from the chosen engine with a
 * stop button, and keep sources, citations, metrics and spans. A view over the app context: its
 * worker, workspace, in-browser model and the answering role's endpoint profile are shared.
 */
export class AskDesk extends AnsweringDesk {
	#recorded: Promise<unknown> = Promise.resolve();
	mode = $state<RetrievalMode>('lexical');
	topK = $state(8);
	contextWindowTokens = $state(4096);
	maxTokens = $state(512);
	question = $state('');
	answer = $state<AnswerState | null>(null);
	readonly prompt = new PromptStudio();
	/** `answer`: grounded answer with citations; `structured`: JSON validated against `schemaText`. */
	task = $state<'answer' | 'structured'>('answer');
	schemaText = $state(JSON.stringify(TICKET_SCHEMA, null, 2));
	structured = $state<{ text: string; result: StructuredResult | null } | null>(null);
	running = $state(false);
	/** The cache hit the current answer came from (null: generated, or no answer). */
	cacheHit = $state<CacheHitState | null>(null);
	/** The answer cache's counters for this visit. */
	cacheStats = $state<AnswerCacheStats>({ lookups: 0, hits: 0, exactHits: 0, semanticHits: 0, hitRate: 0, tokensSaved: 0 });
	#cacheSettings = $state<Record<string, AnswerCacheSettings>>({});
	#routing = $state<Record<string, AskRoutingSettings>>({});
	/** The cache-quality check of the current cache setting (question pairs, as `assay cache-eval`). */
	readonly cacheCheck = new CacheQualityCheck();
	// The worker is reached on each call, not at construction: a direct load of /ask/ makes this
	// desk before the app has started its library worker.
	readonly #cache = askAnswerCache(
		{
			listAnswerCache: (...a) => this.app.api.listAnswerCache(...a),
			putAnswerCacheEntry: (...a) => this.app.api.putAnswerCacheEntry(...a),
			deleteAnswerCacheEntries: (...a) => this.app.api.deleteAnswerCacheEntries(...a),
			embedQuestion: (...a) => this.app.api.embedQuestion(...a)
		},
		() => this.workspaceId
	);

	private abort: AbortController | null = null;
	/** The workspace whose index this page opened. */

	constructor(app: AppCore) {
		super(app);
	}

	private get api() {
		return this.app.api;
	}
	saveEndpoint(): void {
		this.app.profiles.save();
	}

	/** The answer cache setting of the selected workspace (off / exact / exact + semantic at a threshold). */
	get cacheSettings(): AnswerCacheSettings {
		const id = this.workspaceId;
		if (!id) return loadAnswerCacheSettings(localStorage, '');
		return this.#cacheSettings[id] ?? loadAnswerCacheSettings(localStorage, id);
	}

	/** Change the workspace's answer cache setting (kept in localStorage). @throws `CONFIG_INVALID` for a threshold outside [0, 1]. */
	setCacheSettings(settings: AnswerCacheSettings): void {
		const id = this.workspaceId;
		if (!id) return;
		saveAnswerCacheSettings(localStorage, id, settings);
		this.#cacheSettings = { ...this.#cacheSettings, [id]: settings };
	}

	/** The live routing setting of the selected workspace (off, or a router between two endpoint profiles). */
	get routing(): AskRoutingSettings {
		const id = this.workspaceId;
		if (!id) return loadAskRouting(localStorage, '');
		return this.#routing[id] ?? loadAskRouting(localStorage, id);
	}

	/** Change the workspace's routing setting (kept in localStorage, as typed). */
	setRouting(settings: AskRoutingSettings): void {
		const id = this.workspaceId;
		if (!id) return;
		saveAskRouting(localStorage, id, settings);
		this.#routing = { ...this.#routing, [id]: settings };
	}

	/** Check the current cache setting on the chosen question pairs with the answering engine. */
	async checkCache(): Promise<void> {
		const workspaceId = this.workspaceId;
		if (!workspaceId) return;
		const endpoint = $state.snapshot(this.endpoint);
		const settings = this.cacheSettings;
		try {
			if (this.engineKind === 'endpoint') validateEndpoint(endpoint);
			if (settings.mode === 'semantic') await this.ensureModels();
		} catch (error) {
			this.cacheCheck.error = describe(error);
			return;
		}
		await this.cacheCheck.run(
			{ model: () => this.engine(endpoint), embed: (q) => this.app.api.embedQuestion(workspaceId, q), settings },
			this.maxTokens
		);
	}

	/** The profiles routing can choose from (the app's endpoint profiles). */
	get profiles() {
		return this.app.profiles.profiles;
	}

	/** Ask the current answer's question again, bypassing the cache; the new answer replaces the cached entry. */
	async regenerate(): Promise<void> {
		const hit = this.cacheHit;
		if (!this.answer || !hit) return;
		this.question = this.answer.question;
		await this.ask({ bypass: true, replaceKey: hit.key });
	}

	/** Ask the current question; the answer streams into `answer`. `bypass`: skip the cache lookup (Regenerate). */
	async ask(options: { bypass?: boolean; replaceKey?: string } = {}): Promise<void> {
		const question = this.question.trim();
		const workspaceId = this.workspaceId;
		if (question === '' || !workspaceId || this.running) return;
		const endpoint = $state.snapshot(this.endpoint);
		const answer: AnswerState = {
			question,
			text: '',
			sources: [],
			droppedChunks: 0,
			promptTokens: 0,
			citations: null,
			metrics: null,
			finishReason: null,
			error: null,
			spans: [],
			stage: null,
			route: null
		};
		this.answer = answer;
		this.cacheHit = null;
		const live = this.answer;
		const settings = this.cacheSettings;
		this.#cache.settings = settings;
		let routing: AnswerRouting | undefined;
		try {
			if (this.routing.enabled)
				routing = buildAskRouting($state.snapshot(this.routing), $state.snapshot(this.profiles) as EndpointProfile[]);
			else if (this.engineKind === 'endpoint') validateEndpoint(endpoint);
			if (!routing) this.engine(endpoint);
			if (this.mode !== 'lexical' || settings.mode === 'semantic') await this.ensureModels();
		} catch (error) {
			live.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
			return;
		}
		this.saveEndpoint();
		this.running = true;
		this.abort = new AbortController();
		const sink = new InMemorySpanSink();
		let retrieved: RetrievedSource[] = [];
		try {
			const cache =
				settings.mode === 'off'
					? undefined
					: answerCacheHook(
							this.#cache,
							{ workspaceId, ...(await this.api.answerCacheContext(workspaceId)) },
							{
								...options,
								onLookup: (l) => {
									if (l.hit)
										this.cacheHit = {
											kind: l.hit.kind,
											similarity: l.hit.similarity,
											createdAtMs: l.hit.entry.createdAtMs,
											key: l.hit.entry.key
										};
								}
							}
						);
			await answerQuestion({
				...(cache ? { cache } : {}),
				...(routing ? { routing } : {}),
				// With routing the router's strong model stands in until the route is decided.
				model: routing ? routing.models.strong : this.engine(endpoint),
				retrieve: async (q, onStage) => (retrieved = await this.retrieve(workspaceId, q, onStage)),
				tracer: new BasicTracer([sink]),
				clock: () => performance.now(),
				spec: $state.snapshot(this.prompt.current.spec),
				fewShot: $state.snapshot(this.prompt.current.fewShot),
				question,
				contextWindowTokens: this.contextWindowTokens,
				reserveOutputTokens: this.maxTokens,
				tokenizer: new EstimateTokenizer(),
				signal: this.abort.signal,
				onEvent: (e) => apply(live, e)
			});
		} catch (error) {
			// answerQuestion reports its own failures as events; this is the cache context read before it.
			live.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
		} finally {
			// The root span keeps what the answer was about (query, answer, sources) for feedback, Failures and promotion.
			live.spans = annotateRoot(sink.spans, answerContent(live, retrieved));
			// Kept with the library's spans too (Traces panel, export); a failure here must not hide the answer.
			this.#recorded = recordTrace(this.api, live.spans, workspaceId);
			this.cacheStats = this.#cache.stats();
			this.running = false;
			this.abort = null;
		}
	}

	/** 👍/👎 with a note on the current answer, stored on its trace's root span. */
	async giveFeedback(rating: Rating, note: string): Promise<void> {
		if (!this.answer) throw new AssayError('NOT_FOUND', 'There is no answer to give feedback on.');
		await recordFeedback(this.api, $state.snapshot(this.answer.spans) as SpanRecord[], rating, note, this.#recorded);
	}

	/** Structured output for the current question text against `schemaText`. */
	async extract(): Promise<void> {
		const input = this.question.trim();
		if (input === '' || this.running) return;
		const endpoint = $state.snapshot(this.endpoint);
		this.structured = { text: '', result: null };
		const live = this.structured;
		try {
			if (this.engineKind === 'endpoint') validateEndpoint(endpoint);
			this.engine(endpoint);
		} catch (error) {
			live.result = {
				ok: false,
				error: { name: 'AssayError', code: error instanceof AssayError ? error.code : 'CONFIG_INVALID', message: describe(error) },
				text: ''
			};
			return;
		}
		this.saveEndpoint();
		this.running = true;
		this.abort = new AbortController();
		try {
			live.result = await runStructured(
				this.engine(endpoint),
				this.schemaText,
				input,
				this.maxTokens,
				this.abort.signal,
				(t) => (live.text = t)
			);
		} finally {
			this.running = false;
			this.abort = null;
		}
	}

	private engine(endpoint: EndpointSettings): ChatModel {
		if (this.engineKind === 'webllm') {
			if (!this.llm.loaded) throw new AssayError('MODEL_UNKNOWN', 'Load an in-browser model first (Download and load).');
			return this.llm.loaded;
		}
		return new OpenAiChatModel(openAiEndpointOf(endpoint));
	}

	/** Stop the stream; the text so far stays, with finish reason `abort`. */
	stop(): void {
		this.abort?.abort();
	}

	private retrieve(workspaceId: string, query: string, onStage: (stage: 'reranking') => void): Promise<RetrievedSource[]> {
		// As the principal the search page runs as (absent = owner): the access lists decide what reaches the prompt.
		const runAs = loadRunAs(localStorage, workspaceId);
		return searchSources((r) => this.api.search(r, LibraryClient.listener(onStage)), {
			workspaceId,
			query,
			topK: this.topK,
			mode: this.mode,
			...(runAs ? { runAs } : {})
		});
	}

	private async ensureModels(): Promise<void> {
		await this.app.models.ensure();
	}
}

function apply(a: AnswerState, e: AnswerEvent): void {
	if (e.type === 'stage') a.stage = e.stage;
	else if (e.type === 'route') a.route = e.decision;
	else if (e.type === 'sources') {
		a.sources = [...e.sources];
		a.droppedChunks = e.droppedChunkIds.length;
		a.promptTokens = e.promptTokens;
	} else if (e.type === 'token') a.text += e.text;
	else if (e.type === 'citations') a.citations = e.citations;
	else if (e.type === 'metrics') a.metrics = e.metrics;
	else if (e.type === 'done') {
		a.finishReason = e.finishReason;
		a.citations = e.citations;
	} else a.error = { code: e.error.code, message: e.error.message };
}

import {
	cacheQualitySummary,
	evaluateCacheQuality,
	parseCachePairs,
	replayWithModel,
	type CacheQualityReport
} from '$lib/cache/cache-quality.ts';
import type { AnswerCacheSettings, QuestionEmbedder } from '$lib/cache/answer-cache.ts';
import type { ChatModel } from '$lib/generation/types.ts';
import { describe } from './describe.ts';

/** What a check needs from the Ask page: the answering engine, the workspace's question embedder, the cache setting. */
export interface CacheCheckPorts {
	readonly model: () => ChatModel;
	readonly embed: QuestionEmbedder;
	readonly settings: AnswerCacheSettings;
}

/**
 * The Ask page's cache-quality check (Svelte 5 runes): the same evaluation as `assay cache-eval`
 * (`src/lib/cache/cache-quality.ts`, docs/caching.md) on a question-pairs JSONL file — each
 * question sent alone to the answering engine with the cache off, then again through a fresh
 * in-memory cache with the page's mode and threshold — so a user sees the wrong hits (negations,
 * swapped entities) of a setting before turning it on. The workspace's cache is not touched.
 */
export class CacheQualityCheck {
	/** The chosen pairs file: name and text (null: none chosen). */
	file = $state<{ name: string; text: string } | null>(null);
	running = $state(false);
	report = $state.raw<CacheQualityReport | null>(null);
	error = $state<string | null>(null);

	/** Summary lines of the last report ({@link cacheQualitySummary}). */
	get summary(): string[] {
		return this.report ? cacheQualitySummary(this.report) : [];
	}

	/** Keep a chosen file (read as text). */
	async choose(file: File): Promise<void> {
		this.file = { name: file.name, text: await file.text() };
		this.report = null;
		this.error = null;
	}

	/**
	 * Run the check. A malformed file, a cache that is off, or a failing model is shown as `error`
	 * (nothing else changes).
	 */
	async run(ports: CacheCheckPorts, maxTokens: number): Promise<void> {
		if (!this.file || this.running) return;
		this.error = null;
		this.report = null;
		if (ports.settings.mode === 'off') {
			this.error = 'Choose exact or exact + semantic first: the check replays the pairs through that setting.';
			return;
		}
		this.running = true;
		try {
			const pairs = parseCachePairs(this.file.text);
			this.report = await evaluateCacheQuality({
				pairs,
				answer: replayWithModel(ports.model(), maxTokens),
				embed: ports.embed,
				similarityThreshold: ports.settings.similarityThreshold,
				mode: ports.settings.mode
			});
		} catch (error) {
			this.error = describe(error);
		} finally {
			this.running = false;
		}
	}

	/** The report as `assay.cache-quality/v1` JSON text, for download. */
	reportJson(): string {
		return `${JSON.stringify(this.report, null, 2)}\n`;
	}
}

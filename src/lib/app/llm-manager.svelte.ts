import { AssayError } from '$lib/shared/errors.ts';
import {
	CHAT_MODEL_CATALOG,
	loadProgress,
	offerModels,
	type ChatModel,
	type GpuCapabilities,
	type LoadProgress,
	type ModelOffer
} from '$lib/generation/index.ts';
import { describe } from './describe.ts';
import { detectGpu, LlmClient, type CachedModel, type LlmSource } from './llm-client.ts';
import { persistAfterModelDownload } from './offline/persistence.svelte.ts';

const MIRROR_KEY = 'assay.llmMirror';

/**
 * State of the in-browser model manager (Svelte 5 runes): GPU probe, curated offers (q4f32
 * when `shader-f16` is missing, with the reason), storage estimate, mirror, custom model,
 * download progress with rate/ETA and cancel, cached models with delete, and the loaded model.
 */
export class LlmManager {
	gpu = $state<(GpuCapabilities & { description: string }) | null>(null);
	offers = $state<ModelOffer[]>([]);
	selectedId = $state('');
	mirrorBaseUrl = $state(localStorage.getItem(MIRROR_KEY) ?? '');
	useCustom = $state(false);
	custom = $state({ modelId: '', weightsUrl: '', modelLibUrl: '' });
	progress = $state<LoadProgress | null>(null);
	loading = $state(false);
	loaded = $state.raw<ChatModel | null>(null);
	error = $state<{ code: string; message: string } | null>(null);
	cached = $state<Record<string, CachedModel>>({});
	/** `navigator.storage.estimate()`: bytes used and quota. */
	storage = $state<{ usage: number; quota: number } | null>(null);

	private readonly client = new LlmClient();
	/** Bumped by every load and cancel, so a cancelled load cannot report late. */
	private ticket = 0;

	/** Probe the GPU, list offers, read the storage estimate and the cache. */
	async init(): Promise<void> {
		this.gpu = await detectGpu();
		this.offers = offerModels(CHAT_MODEL_CATALOG, this.gpu);
		this.selectedId = this.offers.find((o) => o.offered)?.entry.modelId ?? '';
		const est = await navigator.storage?.estimate?.().catch(() => null);
		if (est) this.storage = { usage: est.usage ?? 0, quota: est.quota ?? 0 };
		await this.refreshCache();
	}

	async refreshCache(): Promise<void> {
		try {
			this.cached = await this.client.cached(
				CHAT_MODEL_CATALOG.map((e) => e.modelId),
				this.mirror()
			);
		} catch {
			this.cached = {};
		}
	}

	/** Download (if not cached) and load the selected or custom model. */
	async load(): Promise<void> {
		this.error = null;
		this.loaded = null;
		const entry = CHAT_MODEL_CATALOG.find((e) => e.modelId === this.selectedId);
		const source: LlmSource = this.useCustom
			? { kind: 'custom', model: $state.snapshot(this.custom) }
			: { kind: 'catalog', modelId: this.selectedId, mirrorBaseUrl: this.mirror() };
		localStorage.setItem(MIRROR_KEY, this.mirrorBaseUrl.trim());
		this.loading = true;
		this.progress = { fraction: 0, text: 'Starting…', elapsedS: 0 };
		const ticket = ++this.ticket;
		const current = () => ticket === this.ticket;
		try {
			if (!this.useCustom && !entry) throw new AssayError('MODEL_UNKNOWN', 'Pick a model first.');
			const model = await this.client.load(source, (r) => current() && (this.progress = loadProgress(r, entry?.downloadMBEstimate)));
			if (current()) this.loaded = model;
			persistAfterModelDownload(); // model files are stored: ask once to keep them (issue 13, item 5)
		} catch (error) {
			if (current()) this.error = { code: error instanceof AssayError ? error.code : 'INTERNAL', message: describe(error) };
		} finally {
			if (current()) {
				this.loading = false;
				this.progress = null;
				await this.refreshCache();
			}
		}
	}

	/** Cancel a download (terminates the worker). */
	cancel(): void {
		this.ticket++;
		this.client.cancel();
		this.loading = false;
		this.progress = null;
		this.error = { code: 'MODEL_DOWNLOAD_CANCELLED', message: 'Download cancelled. Files already downloaded stay cached.' };
	}

	async remove(modelId: string): Promise<void> {
		await this.client
			.deleteCached(modelId, this.mirror())
			.catch((e: unknown) => (this.error = { code: 'STORAGE_FAILED', message: describe(e) }));
		await this.refreshCache();
	}

	destroy(): void {
		this.client.cancel();
	}

	private mirror(): string | null {
		return this.mirrorBaseUrl.trim() === '' ? null : this.mirrorBaseUrl.trim();
	}
}

import { base } from '$app/paths';
import type { ImportFileInput } from '$lib/services/library-api.ts';
import { fetchWithRetry } from '$lib/shared/http/retry.ts';

/** A corpus manifest served with the site (`static/demo/manifest.json`, `static/suites/injection/manifest.json`). */
interface DemoManifest {
	readonly name: string;
	readonly files: readonly { path: string; mediaType: string }[];
	/** The demo golden set (Assay JSONL, documents referenced by relative path). */
	readonly goldenSet?: { name: string; path: string; format: 'jsonl' };
}

/** The demo corpus: files to import and, when the manifest has one, its golden set. */
export interface DemoCorpus {
	readonly name: string;
	readonly files: ImportFileInput[];
	readonly goldenSet: { name: string; format: 'jsonl'; text: string } | null;
}

/**
 * Fetch the demo corpus served with the site (same origin, no network beyond the page's own
 * server) as import inputs, with its golden set.
 * @throws Error when the manifest or a file cannot be fetched.
 */
export function loadDemoFiles(): Promise<DemoCorpus> {
	return loadStaticCorpus('demo');
}

/** The injection suite (`static/suites/injection`): documents that carry prompt injections and its golden set (cases with `attack`). */
export function loadInjectionSuite(): Promise<DemoCorpus> {
	return loadStaticCorpus('suites/injection');
}

/**
 * Fetch a corpus served with the site under `folder` (its `manifest.json`, the files it lists
 * and its golden set) as import inputs.
 * @throws Error when the manifest or a file cannot be fetched.
 */
export async function loadStaticCorpus(folder: string): Promise<DemoCorpus> {
	const root = `${base}/${folder}`;
	const manifest = (await fetchOk(`${root}/manifest.json`).then((r) => r.json())) as DemoManifest;
	const files = await Promise.all(
		manifest.files.map(async (f) => {
			const blob = await fetchOk(`${root}/${f.path.split('/').map(encodeURIComponent).join('/')}`).then((r) => r.blob());
			const name = f.path.split('/').pop() ?? f.path;
			return { file: new Blob([blob], { type: f.mediaType }), name, relativePath: f.path };
		})
	);
	const golden = manifest.goldenSet;
	const goldenSet = golden
		? { name: golden.name, format: golden.format, text: await fetchOk(`${root}/${golden.path}`).then((r) => r.text()) }
		: null;
	return { name: manifest.name, files, goldenSet };
}

/** GET a file of the site, retried like every HTTP call Assay makes (a dev server or CDN answering 503 mid-deploy). */
async function fetchOk(url: string): Promise<Response> {
	const response = await fetchWithRetry(url, {}, { maxRetries: 2 });
	if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
	return response;
}

/** The demo workspace's agent tasks (`static/demo/agent-tasks.jsonl`, the agent-tasks format over the demo documents). */
export const DEMO_AGENT_TASKS = 'agent-tasks.jsonl';

/**
 * Fetch the demo agent tasks served with the site (same origin).
 * @throws Error when the file cannot be fetched.
 */
export async function loadDemoAgentTasks(): Promise<{ name: string; text: string }> {
	const text = await fetchOk(`${base}/demo/${DEMO_AGENT_TASKS}`).then((r) => r.text());
	return { name: DEMO_AGENT_TASKS, text };
}

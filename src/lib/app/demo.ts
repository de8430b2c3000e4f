import { base } from '$app/paths';
import type { ImportFileInput } from '$lib/services/library-api.ts';

/** The demo workspace's manifest (`static/demo/manifest.json`). */
interface DemoManifest {
	readonly name: string;
	readonly files: readonly { path: string; mediaType: string }[];
}

/**
 * Fetch the demo corpus served with the site (same origin, no network beyond the page's own
 * server) as import inputs.
 * @throws Error when the manifest or a file cannot be fetched.
 */
export async function loadDemoFiles(): Promise<{ name: string; files: ImportFileInput[] }> {
	const manifest = (await fetchOk(`${base}/demo/manifest.json`).then((r) => r.json())) as DemoManifest;
	const files = await Promise.all(
		manifest.files.map(async (f) => {
			const blob = await fetchOk(`${base}/demo/${f.path.split('/').map(encodeURIComponent).join('/')}`).then((r) => r.blob());
			const name = f.path.split('/').pop() ?? f.path;
			return { file: new Blob([blob], { type: f.mediaType }), name, relativePath: f.path };
		})
	);
	return { name: manifest.name, files };
}

async function fetchOk(url: string): Promise<Response> {
	const response = await fetch(url);
	if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
	return response;
}

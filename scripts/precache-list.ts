import { readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';
import { PRECACHE_LIST_FILE } from '../src/lib/app/offline/policy.ts';

/**
 * Vite plugin: after the client build is written, lists every file under `_app/immutable/`
 * (pages' chunks and, unlike `$service-worker`'s `build`, the module workers' own chunks, the
 * parser worker spawned from the library worker, the ONNX Runtime and voy wasm) into
 * `_app/precache.json` (a JSON array of paths relative to the site root, `/` separators), which
 * the service worker precaches at install. The server build is left alone.
 */
export function precacheList(): Plugin {
	let outDir = '';
	let client = false;
	return {
		name: 'assay-precache-list',
		apply: 'build',
		configResolved(config) {
			outDir = resolve(config.root, config.build.outDir);
			client = !config.build.ssr;
		},
		writeBundle: {
			sequential: true,
			order: 'post',
			async handler() {
				if (!client) return;
				const immutable = join(outDir, '_app', 'immutable');
				const paths = (await listFiles(immutable)).map((f) => relative(outDir, f).split(sep).join('/')).sort();
				await writeFile(join(outDir, PRECACHE_LIST_FILE), JSON.stringify(paths));
			}
		}
	};
}

async function listFiles(dir: string): Promise<string[]> {
	let entries;
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch {
		return [];
	}
	const out: string[] = [];
	for (const e of entries) {
		const p = join(dir, e.name);
		if (e.isDirectory()) out.push(...(await listFiles(p)));
		else if (e.isFile()) out.push(p);
	}
	return out;
}

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { VoyConstructor } from './voy-index.ts';

/**
 * Load voy-search in Node (CLI, tests, bench). The package has no `main`/`exports` and imports
 * its `.wasm` as an ES module, which Node cannot do: instantiate the wasm by hand with the
 * package's JS glue as its import object. Resolves its files by path from `node_modules`.
 */
export function loadVoyInNode(): Promise<VoyConstructor> {
	// One wasm instance per process: the glue module is shared, and re-instantiating it would pull
	// the memory out from under every existing Voy object.
	loading ??= instantiate();
	return loading;
}

let loading: Promise<VoyConstructor> | undefined;

async function instantiate(): Promise<VoyConstructor> {
	const require = createRequire(import.meta.url);
	const dir = dirname(require.resolve('voy-search/package.json'));
	const glue = (await import(pathToFileURL(join(dir, 'voy_search_bg.js')).href)) as {
		__wbg_set_wasm(exports: unknown): void;
		Voy: VoyConstructor;
	};
	const { instance } = await WebAssembly.instantiate(await readFile(join(dir, 'voy_search_bg.wasm')), {
		'./voy_search_bg.js': glue as unknown as WebAssembly.ModuleImports
	});
	glue.__wbg_set_wasm(instance.exports);
	return glue.Voy;
}

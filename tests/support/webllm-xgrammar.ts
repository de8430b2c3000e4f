import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The parts of web-xgrammar (bundled, not exported, inside @mlc-ai/web-llm's lib/index.js) the tests use. */
export interface WebXgrammar {
	TokenizerInfo: {
		createTokenizerInfo(
			vocab: string[],
			vocabType: string,
			prependSpace: boolean,
			vocabSize: number,
			stopTokenIds: number[]
		): Promise<unknown>;
	};
	GrammarCompiler: {
		createGrammarCompiler(info: unknown): Promise<{ compileStructuralTag(tag: unknown): Promise<{ dispose(): void }> }>;
	};
	GrammarMatcher: {
		createGrammarMatcher(
			grammar: unknown
		): Promise<{ _acceptString(s: string): boolean; acceptToken(id: number): boolean; dispose(): void }>;
	};
}

/**
 * Loads the xgrammar that @mlc-ai/web-llm bundles (its wasm runs on the CPU in Node), so the
 * `response_format` Assay sends can be compiled and matched by the very code WebLLM uses, without
 * a GPU or a model. web-llm keeps it in a module-local variable (`libExports$1`, read in
 * `prepareGrammarMatcherForSampling`), so a copy of lib/index.js is written to a temp folder with
 * an export added and Node's `createRequire` given a real path (the bundle passes the dummy
 * `"MLC_DUMMY_PATH"` outside browsers). Throws if the bundle no longer has those markers: update
 * this helper together with the web-llm version.
 */
export async function loadWebLlmXgrammar(): Promise<WebXgrammar> {
	const source = readFileSync('node_modules/@mlc-ai/web-llm/lib/index.js', 'utf8');
	for (const marker of ['var libExports$1 = requireLib$1();', '"MLC_DUMMY_PATH"', 'compileStructuralTag(structuralTagOrTags'])
		if (!source.includes(marker))
			throw new Error(`@mlc-ai/web-llm's lib/index.js no longer contains ${marker}: update tests/support/webllm-xgrammar.ts.`);
	const patched = `import { createRequire } from 'node:module';\n${source.replaceAll('"MLC_DUMMY_PATH"', 'import.meta.url').replace(/^\/\/# sourceMappingURL=.*$/gm, '')}\nexport { libExports$1 as __xgrammar };\n`;
	const dir = mkdtempSync(join(tmpdir(), 'assay-xgrammar-'));
	const file = join(dir, 'web-llm.mjs');
	writeFileSync(file, patched);
	try {
		// The wasm is inlined as a data URI: nothing is read from the folder after the import.
		const loaded = (await import(pathToFileURL(file).href)) as { __xgrammar: WebXgrammar };
		return loaded.__xgrammar;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

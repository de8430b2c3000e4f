#!/usr/bin/env node
// `npm run build:cli`: bundle the CLI's TypeScript sources (src/cli/main.ts and everything it
// imports from src/) into plain ES modules under dist-cli/, so `assay` starts without
// transpiling (issue 17, item 7). Packages from node_modules stay external and are resolved by
// Node at run time (onnxruntime-node's native binding, voy-search's wasm, transformers.js).
// Code splitting keeps each command's dynamic import a separate chunk: `assay --help` loads
// only the entry. Also writes dist-cli/inputs.json, the source files the bundle was built from,
// which bin/assay.js checks (scripts/cli-freshness.mjs) to refuse a bundle older than the sources.
//
// esbuild is not a direct dependency: it comes with tsx (a dependency) and vite.
import { build } from 'esbuild';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const finalDir = join(root, 'dist-cli');
// Built beside dist-cli/ and swapped in at the end, so an `assay` started meanwhile sees the old
// build or none (and falls back to tsx), never a half-written one.
const outdir = join(root, `dist-cli.next-${process.pid}`);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** `>=20.19` → `node20.19`: the bundle targets the oldest Node that package.json accepts. */
const target = `node${String(pkg.engines.node).replace(/^>=\s*/, '')}`;

const started = performance.now();
rmSync(outdir, { recursive: true, force: true });
const result = await build({
	absWorkingDir: root,
	entryPoints: { assay: 'src/cli/main.ts' },
	outdir,
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target,
	packages: 'external',
	sourcemap: true,
	outExtension: { '.js': '.mjs' },
	chunkNames: 'chunks/[name]-[hash]',
	metafile: true,
	// tsconfig.json extends .svelte-kit/tsconfig.json, which a clean clone lacks until
	// `svelte-kit sync`: give esbuild the options of that file that change emitted code.
	tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, target: 'esnext', useDefineForClassFields: true } },
	logLevel: 'warning',
	legalComments: 'none'
});
const inputs = Object.keys(result.metafile.inputs).map((file) => relative(root, join(root, file)).split('\\').join('/'));
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify({ entry: 'dist-cli/assay.mjs', inputs }, null, '\t')}\n`);
rmSync(finalDir, { recursive: true, force: true });
renameSync(outdir, finalDir);
const outputs = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.mjs'));
console.log(`dist-cli/: ${outputs.length} modules from ${inputs.length} sources in ${Math.round(performance.now() - started)} ms`);

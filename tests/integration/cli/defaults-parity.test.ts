import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { defaultAppConfig } from '../../../src/lib/config/schema.ts';
import { RUN_USAGE } from '../../../src/cli/run-command.ts';
import { BM25_USAGE } from '../../../src/cli/bm25-command.ts';
import { INGEST_USAGE } from '../../../src/cli/ingest-command.ts';

const DEMO = 'static/demo';
const work = mkdtempSync(join(tmpdir(), 'assay-defaults-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The demo's documents (the files the app seeds its first workspace with), path → bytes. */
function demoFiles(): { path: string; bytes: Uint8Array }[] {
	const walk = (dir: string): string[] =>
		readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
	return walk(DEMO)
		.filter((p) => /\.(md|txt)$/.test(p))
		.sort()
		.map((p) => ({ path: relative(DEMO, p), bytes: new Uint8Array(readFileSync(p)) }));
}

describe('CLI and app defaults', () => {
	it('assay ingest cuts the demo files into exactly the chunks the app stores for them with a new workspace’s defaults', async () => {
		const files = demoFiles();
		expect(files.length).toBeGreaterThanOrEqual(7);

		const report = join(work, 'report.json');
		const cli = await runCliCaptured([
			'ingest',
			...files.map((f) => join(DEMO, f.path)),
			'--out',
			join(work, 'chunks.jsonl'),
			'--report',
			report
		]);
		expect(cli.code, cli.stderr).toBe(0);
		const cliCounts = new Map(
			(JSON.parse(readFileSync(report, 'utf8')) as { files: { path: string; chunkCount: number }[] }).files.map((f) => [
				f.path.split('/').pop()!,
				f.chunkCount
			])
		);

		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('demo');
		const imported = await lib.importFiles(
			ws.id,
			files.map((f) => ({ file: new Blob([f.bytes as BlobPart]), name: f.path.split('/').pop()!, relativePath: f.path })),
			'job'
		);
		const appCounts = new Map(imported.items.map((i) => [i.name, i.chunkCount ?? 0]));

		expect(appCounts.size).toBe(files.length);
		expect([...appCounts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(files.length); // long enough to be split
		expect(Object.fromEntries(cliCounts)).toEqual(Object.fromEntries(appCounts));
	});

	it('assay run loads models in the app’s default dtype when --dtype is not given and the folder has those weights', async () => {
		const defaults = defaultAppConfig();
		const file =
			{ fp32: 'model.onnx', q8: 'model_quantized.onnx', fp16: 'model_fp16.onnx', q4: 'model_q4.onnx' }[
				defaults.embedding.dtype as string
			] ?? '';
		// A copy of the fp32 fixture that also offers the default dtype's file (same ONNX graph under that name).
		const folder = join(work, 'static-embed-default-dtype');
		cpSync('tests/fixtures/models/static-embed', folder, { recursive: true });
		copyFileSync(join(folder, 'onnx', 'model.onnx'), join(folder, 'onnx', file));
		const { code, stderr } = await runCliCaptured([
			'run',
			'--dataset',
			'tests/fixtures/datasets/topics',
			'--mode',
			'dense',
			'--embed-model',
			folder,
			'--out',
			join(work, 'run.trec')
		]);
		expect(code, stderr).toBe(0);
		expect(stderr).toContain(`(${defaults.embedding.dtype}), pooling`);
	});

	it('assay run falls back to the dtype a local folder has when it lacks the app’s default weights', async () => {
		const { code, stderr } = await runCliCaptured([
			'run',
			'--dataset',
			'tests/fixtures/datasets/topics',
			'--mode',
			'dense',
			'--embed-model',
			'tests/fixtures/models/static-embed',
			'--out',
			join(work, 'run-fp32.trec')
		]);
		expect(code, stderr).toBe(0);
		expect(stderr).toContain('(fp32), pooling');
	});

	it('the CLI documents and uses the config’s analyzer, BM25 parameters, chunk sizes and dtypes as its defaults', () => {
		const d = defaultAppConfig();
		expect(BM25_USAGE).toContain(`--analyzer <name>      auto | english | cjk | segmenter (default ${d.bm25.analyzer})`);
		expect(BM25_USAGE).toContain(`(default ${d.bm25.k1})`);
		expect(INGEST_USAGE).toContain(`chunkSizeChars (default ${d.chunking.chunkSizeChars}`);
		expect(INGEST_USAGE).toContain(`chunkOverlapChars (default ${d.chunking.chunkOverlapChars})`);
		expect(RUN_USAGE).toContain(`${d.embedding.dtype} embedding / ${d.rerank.dtype} reranker`);
		expect(RUN_USAGE).toContain(`analyzer ${d.bm25.analyzer}, k1 ${d.bm25.k1}, b ${d.bm25.b}`);
	});
});

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScifactSubset, startFixtureRagApp, type FixtureRagApp } from '../../support/fixture-rag-app.ts';
import { assay, evalDir } from '../../support/system-eval-setup.ts';

const { corpus, cases } = loadScifactSubset(12, 200);
let app: FixtureRagApp;

beforeAll(async () => {
	app = await startFixtureRagApp({ corpus });
});
afterAll(async () => {
	await app.stop();
});

describe('assay eval --config with an http system', () => {
	it('answers every case, writes the four files and exits 0', async () => {
		const d = evalDir(cases, app.url);
		const r = await assay(['eval', '--config', d.configPath, '--out', d.out, '--no-cache']);
		expect(r.stderr).toContain('answered 12/12 (100%)');
		expect(r.code, r.stdout + r.stderr).toBe(0);
		for (const f of ['report.json', 'junit.xml', 'results.jsonl', 'report.html']) expect(existsSync(join(d.out, f))).toBe(true);
		const report = d.json('report.json') as { status: string; perQuery: unknown[]; cache: { requests: number } };
		expect([report.status, report.perQuery.length, report.cache.requests]).toEqual(['complete', 12, 12]);
	});
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScifactSubset, startFixtureRagApp, type FixtureRagApp } from '../../support/fixture-rag-app.ts';
import { assay, evalDir } from '../../support/system-eval-setup.ts';

const { corpus, cases } = loadScifactSubset(6, 200);
let app: FixtureRagApp;

beforeAll(async () => {
	app = await startFixtureRagApp({ corpus });
});
afterAll(async () => {
	await app.stop();
});

type InputLine = {
	custom_id: string;
	method: string;
	url: string;
	body: { model: string; messages: unknown[]; stream?: unknown; seed?: number };
};

/** A Batch API output line answering `input` with a verdict of `score`. */
function reply(input: InputLine, score: number, n: number): string {
	const completion = {
		id: `chatcmpl-${n}`,
		object: 'chat.completion',
		created: 1_764_000_000,
		model: input.body.model,
		choices: [
			{ index: 0, message: { role: 'assistant', content: JSON.stringify({ score, reason: 'from the batch' }) }, finish_reason: 'stop' }
		],
		usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 }
	};
	return JSON.stringify({
		id: `batch_req_${n}`,
		custom_id: input.custom_id,
		response: { status_code: 200, request_id: `req_${n}`, body: completion },
		error: null
	});
}

describe('assay eval --judge-batch-out / --judge-batch-in', () => {
	it('writes the judge requests as Batch API input without judging, then judges from the output file with the answers from the cache', async () => {
		// The judge endpoint is never reached: port 9 (discard) refuses connections.
		const d = evalDir(cases, app.url, { judge: { baseUrl: 'http://127.0.0.1:9/v1', model: 'batch-judge', rubrics: ['answer-relevancy'] } });
		const inputPath = join(d.dir, 'judge-input.jsonl');
		const before = app.requests();
		const out = await assay(['eval', '--config', d.configPath, '--out', d.out, '--judge-batch-out', inputPath]);
		expect(out.code, out.stderr).toBe(0);
		expect(out.stderr).toContain(`wrote 6 judge requests to ${inputPath}`);
		expect(app.requests() - before).toBe(6);
		const lines = readFileSync(inputPath, 'utf8')
			.trimEnd()
			.split('\n')
			.map((l) => JSON.parse(l) as InputLine);
		expect(lines).toHaveLength(6);
		for (const l of lines) {
			expect(Object.keys(l).sort()).toEqual(['body', 'custom_id', 'method', 'url']);
			expect([l.method, l.url, l.body.model, l.body.stream]).toEqual(['POST', '/v1/chat/completions', 'batch-judge', undefined]);
			expect(l.custom_id).toMatch(/^[0-9a-f]{64}$/);
		}
		expect(new Set(lines.map((l) => l.custom_id)).size).toBe(6);

		// Five verdicts, one failed request, one malformed line, one reply to a request this run never sends.
		const output = [
			...lines.slice(0, 5).map((l, i) => reply(l, 4, i)),
			JSON.stringify({
				id: 'batch_req_5',
				custom_id: lines[5]!.custom_id,
				response: null,
				error: { code: 'server_error', message: 'overloaded' }
			}),
			'{not json',
			reply({ ...lines[0]!, custom_id: 'f'.repeat(64) }, 1, 9)
		].join('\n');
		const outputPath = join(d.dir, 'judge-output.jsonl');
		writeFileSync(outputPath, `${output}\n`);
		const atImport = app.requests();
		const judged = await assay(['eval', '--config', d.configPath, '--out', d.out, '--judge-batch-in', outputPath]);
		expect(judged.code, judged.stderr).toBe(0);
		expect(app.requests() - atImport).toBe(0); // the answers came from the cache
		expect(judged.stderr).toContain(`${outputPath}:7:`);
		expect(judged.stderr).toContain('1 line(s) of');
		expect(judged.stderr).toContain('1 judge request(s) had no usable reply');
		const report = d.json('report.json') as { metrics: { aggregate: Record<string, { mean: number; n?: number }> } };
		expect(report.metrics.aggregate['judge.answer-relevancy']?.mean).toBe(4);
		const results = d.read('results.jsonl').trimEnd().split('\n');
		expect(results.filter((r) => r.includes('overloaded'))).toHaveLength(1);
	});

	it('refuses both flags at once, and a batch flag without a judge', async () => {
		const d = evalDir(cases, app.url, {});
		const both = await assay(['eval', '--config', d.configPath, '--judge-batch-out', 'a.jsonl', '--judge-batch-in', 'b.jsonl']);
		expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('pass one of them')]);
		const none = await assay(['eval', '--config', d.configPath, '--judge-batch-out', join(d.dir, 'a.jsonl')]);
		expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('needs a judge in the config')]);
	});
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { runCliCaptured } from '../../support/cli.ts';

const fixture = (name: string) => new URL(`../../fixtures/routing/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'assay-route-'));
const spec = (name: string, value: object) => {
	const path = join(dir, name);
	writeFileSync(path, JSON.stringify({ schema: 'assay.router/v1', version: 1, ...value }));
	return path;
};
const base = ['route-eval', '--cheap', fixture('cheap.report.json'), '--strong', fixture('strong.report.json'), '--resamples', '2000'];

/** A local OpenAI-compatible classifier: "hard" for questions that compare, "easy" otherwise; counts requests. */
let server: Server;
let baseUrl = '';
let requests = 0;
beforeAll(async () => {
	server = createServer((req, res) => {
		let body = '';
		req.on('data', (c: Buffer) => (body += c.toString()));
		req.on('end', () => {
			requests++;
			const prompt = (JSON.parse(body) as { messages: { content: string }[] }).messages[0]?.content ?? '';
			const question = /<question>\n([\s\S]*)\n<\/question>/.exec(prompt)?.[1] ?? '';
			const label = /compare/i.test(question) ? 'hard' : 'easy';
			res.writeHead(200, { 'content-type': 'text/event-stream' });
			res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: label } }] })}\n\n`);
			res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
			res.end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('assay route-eval', () => {
	it('accepts a rules router that sends the hard cases to the strong model and writes a report valid against its schema', async () => {
		const router = spec('smart.json', {
			kind: 'rules',
			id: 'hard-to-strong',
			rules: [{ route: 'strong', keywords: ['compare'] }],
			default: 'cheap'
		});
		const out = join(dir, 'accepted.json');
		const r = await runCliCaptured([...base, '--router', router, '--margin', '0.05', '--no-tune', '--out', out]);
		expect(r.stderr).toBe('');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^ACCEPTED: router hard-to-strong v1 \(small-model \/ large-model\) at margin 0.05, alpha 0.05/);
		const report = JSON.parse(readFileSync(out, 'utf8')) as {
			schema: string;
			verdict: string;
			confirm: { routedStrong: number };
			perCase: unknown[];
		};
		expect(report.schema).toBe('assay.routing-report/v1');
		expect(report.perCase).toHaveLength(40);
		const schema = JSON.parse(readFileSync(new URL('../../../schemas/routing-report.v1.schema.json', import.meta.url), 'utf8')) as object;
		const validate = new Ajv2020({ strict: false }).compile(schema);
		expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
	});

	it('rejects a router that sends everything to the cheap model with exit 1 and the reasons', async () => {
		const router = spec('cheap.json', { kind: 'rules', id: 'all-cheap', rules: [], default: 'cheap' });
		const r = await runCliCaptured([...base, '--router', router, '--margin', '0.05']);
		expect(r.code).toBe(1);
		expect(r.stdout).toMatch(/^REJECTED: router all-cheap/);
		expect(r.stdout).toMatch(/✗ pass rate: non-inferiority at margin 0.05 not shown/);
	});

	it('routes with a classifier model on a local endpoint, one request per case', async () => {
		const router = spec('classifier.json', { kind: 'classifier', id: 'difficulty', routes: { easy: 'cheap', hard: 'strong' } });
		requests = 0;
		const r = await runCliCaptured([
			...base,
			'--router',
			router,
			'--margin',
			'0.05',
			'--classifier-base-url',
			baseUrl,
			'--classifier-model',
			'tiny',
			'--json'
		]);
		expect(r.code).toBe(0);
		const report = JSON.parse(r.stdout) as { classifier: object; tune: { routedStrong: number }; confirm: { routedStrong: number } };
		expect(requests).toBe(40);
		expect(report.classifier).toEqual({ model: 'tiny', calls: 40, fallbacks: 0, errors: 0 });
		expect(report.tune.routedStrong + report.confirm.routedStrong).toBe(12);
	});

	it('refuses to run without a declared margin, and names the file of a report that is not an answer run', async () => {
		const router = spec('any.json', { kind: 'rules', id: 'x', rules: [], default: 'cheap' });
		const noMargin = await runCliCaptured([...base, '--router', router]);
		expect(noMargin.code).toBe(2);
		expect(noMargin.stderr).toMatch(/--margin is required/);
		const retrievalOnly = new URL('../../fixtures/gate/baseline.json', import.meta.url).pathname;
		const r = await runCliCaptured([
			'route-eval',
			'--cheap',
			retrievalOnly,
			'--strong',
			fixture('strong.report.json'),
			'--router',
			router,
			'--margin',
			'0.05'
		]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/no answers section/);
	});
});

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseEvalReport } from '../../../../src/lib/evals/report/build.ts';
import {
	evaluateRouting,
	pairReports,
	parseRouterSpec,
	routeByClassifier,
	routeByRules,
	routingReport,
	splitCases,
	type RouterSpec
} from '../../../../src/lib/evals/routing/index.ts';
import { ScriptedChatModel } from '../../../../src/lib/generation/index.ts';
import { z } from '../../../../src/lib/shared/zod.ts';
import { RoutingReportSchema } from '../../../../src/lib/evals/routing/report.ts';
import Ajv2020 from 'ajv/dist/2020.js';

const report = (name: string) =>
	parseEvalReport(JSON.parse(readFileSync(new URL(`../../../fixtures/routing/${name}.report.json`, import.meta.url), 'utf8')));
const paired = pairReports(report('cheap'), report('strong'));
const base = {
	paired,
	goldenSetId: 'routing-g1',
	cheapReportId: 'routing-cheap',
	strongReportId: 'routing-strong',
	createdAtMs: 0,
	resamples: 2000
};

const smart = parseRouterSpec({
	schema: 'assay.router/v1',
	kind: 'rules',
	id: 'hard-to-strong',
	version: 1,
	rules: [
		{ route: 'strong', keywords: ['compare', 'explain why'] },
		{ route: 'strong', topScoreBelow: 6 }
	],
	default: 'cheap'
});
const allCheap = parseRouterSpec({ schema: 'assay.router/v1', kind: 'rules', id: 'all-cheap', version: 1, rules: [], default: 'cheap' });

describe('model routing', () => {
	it('pairs the two answer runs case by case with pass, score, cost and latency', () => {
		expect(paired.cases).toHaveLength(40);
		expect(paired.unpaired).toEqual([]);
		const h01 = paired.cases.find((c) => c.caseId === 'h01');
		expect(h01?.cheap).toEqual({ pass: false, score: 0.25, costUsd: 0.0001, latencyMs: 400 });
		expect(h01?.strong).toEqual({ pass: true, score: 1, costUsd: 0.002, latencyMs: 1500 });
		expect(h01?.topScore).toBe(2);
	});

	it('accepts a router that sends the hard cases to the strong model and reports the share and savings', () => {
		const r = routingReport({ ...base, router: smart, margin: 0.05, tune: false });
		expect(r.verdict).toBe('accepted');
		const all = evaluateRouting(
			paired.cases,
			paired.cases.map((c) => routeByRules(smart as Extract<RouterSpec, { kind: 'rules' }>, c)),
			{ margin: 0.05, resamples: 2000 }
		);
		expect(all.routedStrong).toBe(12);
		expect(all.cheapShare).toBe(0.7);
		expect(all.discordant).toEqual({ b: 0, c: 1 });
		expect(all.passRate).toEqual({ router: 1, strong: 0.975, cheap: 0.725 });
		// 28 × $0.0001 + 12 × $0.002 against 40 × $0.002.
		expect(all.router.costUsd).toBe(0.0268);
		expect(all.strongAlone.costUsd).toBe(0.08);
		expect(all.savedUsd).toBe(0.0532);
		expect(all.savedShare).toBeCloseTo(0.665, 12);
		expect(all.savedLatencyMs).toBe(1500 - (28 * 400 + 12 * 1500) / 40);
		expect(all.accepted).toBe(true);
	});

	it('rejects a router that sends everything to the cheap model, saying why', () => {
		const r = routingReport({ ...base, router: allCheap, margin: 0.05 });
		expect(r.verdict).toBe('rejected');
		expect(r.confirm.nonInferiorityP).toBeGreaterThan(0.05);
		expect(r.confirm.reasons.join('\n')).toMatch(/non-inferiority at margin 0.05 not shown/);
		expect(r.confirm.reasons.join('\n')).toMatch(/lower bound/);
		expect(r.perCase.every((c) => c.route === 'cheap')).toBe(true);
	});

	it('tunes a score threshold on the tune split and confirms it on the other', () => {
		const threshold = parseRouterSpec({
			schema: 'assay.router/v1',
			kind: 'rules',
			id: 'low-score-to-strong',
			version: 1,
			rules: [{ route: 'strong', topScoreBelow: 100 }],
			default: 'cheap'
		});
		const r = routingReport({ ...base, router: threshold, margin: 0.05 });
		expect(r.tuning?.tuned).toBe(true);
		const tuned = r.tunedRouter as Extract<RouterSpec, { kind: 'rules' }>;
		const t = tuned.rules[0]?.topScoreBelow as number;
		// Hard cases' top scores are 2.0–4.8, easy ones 8.0–12.9: the tuned threshold separates them.
		expect(t).toBeGreaterThan(4.8);
		expect(t).toBeLessThanOrEqual(8);
		expect(r.verdict).toBe('accepted');
		expect(r.tune.cases + r.confirm.cases).toBe(40);
		expect(r.split.tune).toBe(r.perCase.filter((c) => c.split === 'tune').length);
	});

	it('splits by a seeded hash of the case id, so a case keeps its split', () => {
		const s1 = splitCases(paired.cases, 0.5, 7);
		const s2 = splitCases(paired.cases.slice(0, 30), 0.5, 7);
		expect(s2).toEqual(s1.slice(0, 30));
		expect(splitCases(paired.cases, 0.5, 8)).not.toEqual(s1);
		expect(() => splitCases(paired.cases.slice(0, 1), 0.5, 7)).toThrow(/split empty/);
	});

	it('routes by the first matching rule: keywords as whole words, word counts, missing retrieval as low', () => {
		const r = parseRouterSpec({
			schema: 'assay.router/v1',
			kind: 'rules',
			id: 'r',
			version: 2,
			rules: [
				{ route: 'strong', keywords: ['why'] },
				{ route: 'strong', queryWordsAtLeast: 5 },
				{ route: 'strong', topScoreBelow: 1 }
			],
			default: 'cheap'
		}) as Extract<RouterSpec, { kind: 'rules' }>;
		expect(routeByRules(r, { query: 'Why not?', topScore: 9 })).toBe('strong');
		expect(routeByRules(r, { query: 'whys and hows', topScore: 9 })).toBe('cheap');
		expect(routeByRules(r, { query: 'one two three four five', topScore: 9 })).toBe('strong');
		expect(routeByRules(r, { query: 'short', topScore: null })).toBe('strong');
		expect(routeByRules(r, { query: 'short', topScore: 0.5 })).toBe('strong');
		expect(routeByRules(r, { query: 'short', topScore: 2 })).toBe('cheap');
	});

	it('refuses a malformed router spec with the field that is wrong', () => {
		expect(() =>
			parseRouterSpec({ schema: 'assay.router/v1', kind: 'rules', id: 'x', version: 1, rules: [{ route: 'big' }], default: 'cheap' })
		).toThrow(/rules.0.route/);
		expect(() => parseRouterSpec({ schema: 'assay.router/v1', kind: 'classifier', id: 'x', version: 1, prompt: 'no placeholder' })).toThrow(
			/prompt/
		);
	});

	it('routes with a classifier model by the label it answers, falling back on a reply without one', async () => {
		const spec = parseRouterSpec({ schema: 'assay.router/v1', kind: 'classifier', id: 'c', version: 1 }) as Extract<
			RouterSpec,
			{ kind: 'classifier' }
		>;
		const replies = ['Hard.', 'easy', 'I cannot tell'];
		let call = 0;
		const model = new ScriptedChatModel('router-model', () => ({ tokens: [replies[call++] ?? ''] }));
		expect(await routeByClassifier(spec, model, { query: 'Compare A and B', topScore: 1 })).toEqual({
			route: 'strong',
			label: 'hard',
			reply: 'Hard.'
		});
		expect((await routeByClassifier(spec, model, { query: 'What is A?', topScore: 9 })).route).toBe('cheap');
		expect(await routeByClassifier(spec, model, { query: 'x', topScore: 9 })).toEqual({
			route: 'strong',
			label: null,
			reply: 'I cannot tell'
		});
	});
});

describe('the routing report schema file', () => {
	it('schemas/routing-report.v1.schema.json is the JSON Schema of the zod report schema and accepts a report', () => {
		const file = JSON.parse(readFileSync(new URL('../../../../schemas/routing-report.v1.schema.json', import.meta.url), 'utf8')) as Record<
			string,
			unknown
		>;
		const generated = z.toJSONSchema(RoutingReportSchema, { target: 'draft-2020-12', io: 'output' }) as Record<string, unknown>;
		const { $id: _id, title: _t, description: _d, ...rest } = file;
		expect(rest).toEqual(generated);
		const validate = new Ajv2020({ strict: false }).compile(file);
		const r = routingReport({ ...base, router: allCheap, margin: 0.05 });
		expect(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors)).toBe(true);
	});
});

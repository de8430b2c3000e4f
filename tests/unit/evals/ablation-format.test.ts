import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
	computeAblation,
	formatAblation,
	lostCounts,
	STAGE_ABLATION_SCHEMA,
	StageAblationReportSchema,
	type AblationQuery
} from '../../../src/lib/evals/ablation/index.ts';
import { z } from '../../../src/lib/shared/zod.ts';

const list = (...pairs: [string, number][]) => pairs.map(([id, score]) => ({ id, score }));
const qrels = new Map([
	[
		'q1',
		new Map([
			['a', 2],
			['b', 1],
			['c', 1]
		])
	],
	['q2', new Map([['x', 1]])]
]);
/** As in ablation.test.ts: a kept, b never in a cut list, c lost by fusion, x lost by the reranker. */
const queries: AblationQuery[] = [
	{
		id: 'q1',
		stages: {
			lexical: list(['a', 3], ['d', 2], ['b', 1]),
			dense: list(['d', 0.9], ['c', 0.8], ['a', 0.7]),
			fused: list(['d', 0.04], ['a', 0.03], ['c', 0.02], ['b', 0.01]),
			rerank: list(['a', 0.9], ['d', 0.8])
		}
	},
	{
		id: 'q2',
		stages: {
			lexical: list(['x', 1]),
			dense: list(['y', 0.5]),
			fused: list(['x', 0.03], ['y', 0.02], ['z', 0.01]),
			rerank: list(['y', 0.9], ['z', 0.8], ['x', 0.1])
		}
	}
];
const section = computeAblation(queries, qrels, {
	topK: 2,
	cutoffs: [1, 2],
	metric: 'recall@2',
	paired: { resamples: 1000, permutations: 1000 }
});

describe('stage ablation as text', () => {
	it('prints one row per stage, one line per comparison and the losses per step', () => {
		expect(formatAblation(section)).toBe(
			[
				'stage ablation at depth 2 (2 queries)',
				'stage           recall@2     map  recip_rank',
				'lexical (BM25)    0.6667  0.6667      1.0000',
				'dense             0.1667  0.0833      0.2500',
				'fused             0.6667  0.5833      0.7500',
				'reranked          0.1667  0.1667      0.5000',
				'lexical → fused on recall@2: 0.6667 → 0.6667, Δ +0.0000 [+0.0000, +0.0000], p 1.0000: no significant difference (0 improved, 0 regressed, 2 tied)',
				'dense → fused on recall@2: 0.1667 → 0.6667, Δ +0.5000 [+0.0000, +1.0000], p 1.0000: no significant difference (1 improved, 0 regressed, 1 tied)',
				'fused → rerank on recall@2: 0.6667 → 0.1667, Δ -0.5000 [-1.0000, +0.0000], p 1.0000: no significant difference (0 improved, 1 regressed, 1 tied)',
				'relevant documents: 1 kept to the end; lost at retrievers 1, fused 1, rerank 1',
				''
			].join('\n')
		);
	});

	it('counts the relevant documents kept to the end and lost at each step', () => {
		expect(lostCounts(section)).toEqual({ kept: 1, lost: { retrievers: 1, fused: 1, rerank: 1 } });
	});
});

describe('the stage ablation schema file', () => {
	it('schemas/stage-ablation.v1.schema.json is the JSON Schema of the zod form and accepts what assay run writes', () => {
		const file = JSON.parse(readFileSync(new URL('../../../schemas/stage-ablation.v1.schema.json', import.meta.url), 'utf8')) as Record<
			string,
			unknown
		>;
		const { $id: _id, title: _t, description: _d, ...rest } = file;
		expect(rest).toEqual(z.toJSONSchema(StageAblationReportSchema, { target: 'draft-2020-12', io: 'output' }));
		const report = {
			schema: STAGE_ABLATION_SCHEMA,
			dataset: 'tiny',
			mode: 'hybrid-rerank',
			config: { topK: 2, depth: 100, rrfK: 60, rerankPoolFactor: 4 },
			models: { embedding: 'static-embed', reranker: 'static-reranker' },
			ablation: section
		};
		const validate = new Ajv2020({ strict: false }).compile(file);
		expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
		expect(StageAblationReportSchema.parse(report)).toEqual(report);
	});
});

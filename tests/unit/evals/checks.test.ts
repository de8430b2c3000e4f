import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import {
	checkQuotesVerbatim,
	compileChecks,
	parseCheckSpecs,
	summariseChecks,
	type CheckSpec,
	type CheckInput
} from '../../../src/lib/evals/checks/index.ts';

const validator = new CfworkerSchemaValidator();
const sources = [
	{ n: 1, chunkId: 'c1', text: 'Refunds are accepted within 30 days of purchase.' },
	{ n: 2, chunkId: 'c7', text: 'Shipping is free on orders\nover 50 euros.' }
];
function run(spec: CheckSpec, answer: string, input: Partial<CheckInput> = {}) {
	const [result] = compileChecks([spec], validator)({ answer, sources, ...input });
	return result as NonNullable<typeof result>;
}
const schema = { type: 'object', required: ['category'], properties: { category: { enum: ['a', 'b'] } } };

describe('layer-1 checks', () => {
	it('json-schema passes a valid object', () => {
		expect(run({ id: 's', type: 'json-schema', schema }, '{"category": "a"}').pass).toBe(true);
	});

	it('json-schema fails text that is not JSON, saying so', () => {
		expect(run({ id: 's', type: 'json-schema', schema }, 'category: a')).toMatchObject({
			pass: false,
			reason: expect.stringContaining('not JSON')
		});
	});

	it('json-schema fails a schema violation, naming it', () => {
		expect(run({ id: 's', type: 'json-schema', schema }, '{"category": "z"}')).toMatchObject({
			pass: false,
			reason: expect.stringContaining('/category')
		});
	});

	it('required-fields names the missing field', () => {
		expect(run({ id: 'f', type: 'required-fields', fields: ['a', 'b'] }, '{"a": 1}')).toMatchObject({
			pass: false,
			reason: 'Missing field(s): b.'
		});
	});

	it('must-contain text passes when the text occurs', () => {
		expect(run({ id: 'm', type: 'must-contain', text: '30 days' }, 'Within 30 days [1].').pass).toBe(true);
	});

	it('must-contain regex honours its flags', () => {
		expect(run({ id: 'm', type: 'must-contain', regex: '\\bthirty\\b', flags: 'i' }, 'THIRTY days').pass).toBe(true);
	});

	it('must-not-contain fails when the pattern occurs', () => {
		expect(run({ id: 'm', type: 'must-not-contain', regex: 'as an ai', flags: 'i' }, 'As an AI, I cannot.')).toMatchObject({
			pass: false,
			reason: 'Contains /as an ai/i.'
		});
	});

	it('rejects an invalid regex at configuration time', () => {
		expect(() => compileChecks([{ id: 'bad', type: 'must-contain', regex: '(' }], validator)).toThrow(/invalid regular expression/);
	});

	it('banned-phrases matches case-insensitively and lists the hits', () => {
		expect(run({ id: 'b', type: 'banned-phrases', phrases: ['I cannot', 'delve'] }, 'Let us Delve in.')).toMatchObject({
			pass: false,
			reason: 'Banned phrase(s): "delve".'
		});
	});

	it('length counts code points, so an emoji is one character', () => {
		expect(run({ id: 'l', type: 'length', maxChars: 3 }, 'ab😀').pass).toBe(true);
	});

	it('length fails above the maximum with the count', () => {
		expect(run({ id: 'l', type: 'length', maxChars: 3 }, 'abcd')).toMatchObject({
			pass: false,
			reason: '4 characters, more than the maximum 3.'
		});
	});

	it('rejects inverted length limits', () => {
		expect(() => compileChecks([{ id: 'l', type: 'length', minChars: 5, maxChars: 2 }], validator)).toThrow(/minChars/);
	});

	it('citations-present fails an answer without markers', () => {
		expect(run({ id: 'c', type: 'citations-present' }, 'Thirty days.').pass).toBe(false);
	});

	it('citations-valid fails a cited source that was not retrieved', () => {
		expect(run({ id: 'c', type: 'citations-valid' }, 'Thirty days [1][3].')).toMatchObject({
			pass: false,
			reason: expect.stringContaining('[3] were not retrieved')
		});
	});

	it('quotes-verbatim passes a quotation found in its cited chunk, across a line wrap', () => {
		expect(run({ id: 'q', type: 'quotes-verbatim' }, 'It says “free on orders over 50 euros” [2].').pass).toBe(true);
	});

	it('quotes-verbatim fails a quotation altered from its cited chunk', () => {
		expect(run({ id: 'q', type: 'quotes-verbatim' }, 'It says "Refunds are accepted within 60 days" [1].').pass).toBe(false);
	});

	it('quotes-verbatim fails a real quotation attributed to the wrong source', () => {
		expect(run({ id: 'q', type: 'quotes-verbatim' }, '"Refunds are accepted" [2]').pass).toBe(false);
	});

	it('rejects duplicate check ids', () => {
		expect(() =>
			compileChecks(
				[
					{ id: 'x', type: 'citations-present' },
					{ id: 'x', type: 'citations-valid' }
				],
				validator
			)
		).toThrow(/Duplicate/);
	});

	it('summarises pass rates per check over many answers', () => {
		const check = compileChecks([{ id: 'cited', type: 'citations-present' }], validator);
		const results = ['a [1]', 'b', 'c [2]', 'd [1]'].map((answer) => check({ answer, sources }));
		expect(summariseChecks(results)).toEqual({ cited: { passed: 3, failed: 1, passRate: 0.75 } });
	});
});

describe('check lists typed by a user', () => {
	it('an unknown check type or a missing field is a CONFIG_INVALID naming the check, not a crash', () => {
		expect(() => parseCheckSpecs([{ id: 'x', type: 'nope' }])).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('check 0') })
		);
		expect(() => parseCheckSpecs([{ id: 'r', type: 'required-fields' }])).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('fields') })
		);
		expect(() => parseCheckSpecs({ id: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
		expect(() => compileChecks([{ id: 'x', type: 'nope' } as unknown as CheckSpec], validator)).toThrow(
			expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('unknown type "nope"') })
		);
	});

	it('a valid list passes through unchanged', () => {
		const specs = [
			{ id: 'c', type: 'citations-present' },
			{ id: 'm', type: 'must-contain', regex: '\\d+', flags: 'i' }
		];
		expect(parseCheckSpecs(specs)).toEqual(specs);
	});
});

describe('quotes-verbatim beyond English quotation marks', () => {
	const ja = [
		{
			n: 1,
			chunkId: 'ja#0',
			text: '会社は社員に **年間合計26日** の有給の休暇を保障する。詳しくは[規程](https://example.invalid/x)を参照。'
		}
	];
	const check = (answer: string) => checkQuotesVerbatim(answer, ja);

	it('checks Japanese corner-bracket quotations and fails an altered number', () => {
		expect(check('年休は「年間合計30日」[1]です。')).toMatchObject({ pass: false, reason: expect.stringContaining('年間合計30日') });
		expect(check('『年間合計26日』[1]')).toMatchObject({ pass: true });
	});

	it('finds a quotation of the text as a reader sees the Markdown (emphasis and link targets removed)', () => {
		expect(check('"年間合計26日 の有給の休暇を保障する" [1]').pass).toBe(true);
		expect(check('“詳しくは規程を参照” [1]').pass).toBe(true);
	});

	it('leaves straight single quotes alone (apostrophes), so prose with them has nothing to verify', () => {
		expect(check("It's the company's rule [1].")).toMatchObject({ pass: true, reason: 'No cited quotation to verify.' });
	});
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { AssayConfigSchema, parseAssayConfig } from '../../../../src/lib/evals/system/config.ts';
import { HttpSystemConfigSchema } from '../../../../src/lib/evals/system/http-system.ts';
import { FileSystemConfigSchema } from '../../../../src/lib/evals/system/file-system.ts';
import { ExecSystemConfigSchema } from '../../../../src/cli/exec-system.ts';
import { isAssayError } from '../../../../src/lib/shared/errors.ts';

const schema = JSON.parse(readFileSync(new URL('../../../../schemas/assay-config.v1.schema.json', import.meta.url), 'utf8')) as Record<
	string,
	unknown
>;
const validate = new Ajv2020({ strict: true, strictRequired: false, allErrors: true }).compile(schema);

const http = { type: 'http', url: 'http://127.0.0.1:8000/ask', answer: '$.answer' };
const minimal = { goldenSet: 'golden.jsonl', system: http };

/** Configurations both validators must accept. */
const GOOD: [string, unknown][] = [
	['a minimal http config', minimal],
	[
		'a config with every key',
		{
			$schema: './schemas/assay-config.v1.schema.json',
			$comment: ['starter', 'config'],
			goldenSet: { path: 'beir', format: 'beir' },
			system: {
				...http,
				$comment: 'my app',
				label: 'bot v2',
				method: 'POST',
				headers: { authorization: 'Bearer {{env.APP_TOKEN}}' },
				body: { q: '{{query}}', n: 5 },
				contexts: '$.contexts',
				contextId: '$.id',
				contextText: '$.text',
				contextScore: '$.score',
				contextTitle: '$.title',
				usage: '$.usage',
				stream: { format: 'sse', deltaPath: '$.delta' },
				timeoutMs: 1000,
				retry: { maxRetries: 2, baseDelayMs: 10 },
				maxResponseBytes: 1024
			},
			judge: {
				baseUrl: 'https://api.openai.com/v1',
				model: 'gpt-4o-mini',
				apiKeyEnv: 'OPENAI_API_KEY',
				rubrics: ['faithfulness'],
				temperature: 0,
				seed: 1,
				maxTokens: 256,
				passThreshold: 4,
				timeoutMs: 30000,
				retry: { maxRetries: 1 }
			},
			checks: [
				{ id: 'len', type: 'length', maxChars: 400 },
				{ id: 'cite', type: 'citations-present' }
			],
			repeats: 3,
			seed: 7,
			concurrency: 8,
			gate: {
				baseline: 'baseline.json',
				rules: [
					{ metric: 'judge.faithfulness', min: 4.2 },
					{ metric: 'recall@5', maxDrop: 0.02 }
				],
				alpha: 0.05
			},
			cache: { dir: '.cache', enabled: false }
		}
	],
	[
		'an exec system',
		{
			goldenSet: 'g.csv',
			system: {
				type: 'exec',
				command: 'node',
				args: ['app.js'],
				cwd: 'app',
				env: { TOKEN: '{{env.T}}' },
				timeoutMs: 5000,
				killGraceMs: 100,
				maxOutputBytes: 4096
			}
		}
	],
	['a file system', { goldenSet: 'g.jsonl', system: { type: 'file', path: 'outputs.jsonl' } }],
	[
		'an assay system',
		{
			goldenSet: 'g.jsonl',
			system: { type: 'assay', corpus: 'beir', mode: 'lexical', topK: 5, model: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen' } }
		}
	]
];

/** Configurations both validators must refuse, with the key path the zod error names. */
const BAD: [string, unknown, string][] = [
	['no system', { goldenSet: 'g.jsonl' }, 'system'],
	['no golden set', { system: http }, 'goldenSet'],
	['an unknown top-level key', { ...minimal, gates: {} }, '(root): unknown key "gates"'],
	['an unknown system type', { goldenSet: 'g.jsonl', system: { ...http, type: 'grpc' } }, 'system.type'],
	['a misspelled http key', { goldenSet: 'g.jsonl', system: { ...http, answr: '$.a' } }, 'system: unknown key "answr"'],
	['a URL without a scheme', { goldenSet: 'g.jsonl', system: { ...http, url: '127.0.0.1:8000' } }, 'system.url'],
	['an answer path that is not JSONPath', { goldenSet: 'g.jsonl', system: { ...http, answer: 'answer' } }, 'system.answer'],
	['a header value that is a number', { goldenSet: 'g.jsonl', system: { ...http, headers: { 'x-n': 1 } } }, 'system.headers.x-n'],
	['a gate rule without a limit', { ...minimal, gate: { rules: [{ metric: 'recall@10' }] } }, 'gate.rules.0'],
	['a gate metric in the wrong form', { ...minimal, gate: { rules: [{ metric: 'Recall 10', min: 0.5 }] } }, 'gate.rules.0.metric'],
	['an empty rule list', { ...minimal, gate: { rules: [] } }, 'gate.rules'],
	['repeats of 0', { ...minimal, repeats: 0 }, 'repeats'],
	[
		'a retry policy with an unknown key',
		{ goldenSet: 'g.jsonl', system: { ...http, retry: { retries: 2 } } },
		'system.retry: unknown key "retries"'
	],
	['a fractional concurrency', { ...minimal, concurrency: 1.5 }, 'concurrency'],
	['an unknown check type', { ...minimal, checks: [{ id: 'x', type: 'vibes' }] }, 'checks.0'],
	['a judge without a model', { ...minimal, judge: { baseUrl: 'https://x/v1' } }, 'judge.model'],
	['an exec system without a command', { goldenSet: 'g.jsonl', system: { type: 'exec' } }, 'system.command'],
	['a golden set format that does not exist', { goldenSet: { path: 'g', format: 'xml' }, system: http }, 'goldenSet'],
	['an array at the root', [minimal], '(root)']
];

function zodError(value: unknown): string {
	try {
		parseAssayConfig(value);
	} catch (error) {
		expect(isAssayError(error) && error.code).toBe('CONFIG_INVALID');
		return (error as Error).message;
	}
	return '';
}

describe('the assay config: zod schema and schemas/assay-config.v1.schema.json', () => {
	it.each(GOOD)('both accept %s', (_name, value) => {
		expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
		expect(() => parseAssayConfig(value)).not.toThrow();
	});

	it.each(BAD)('both refuse %s, and the error names the key path', (_name, value, at) => {
		expect(validate(value)).toBe(false);
		expect(zodError(value)).toContain(at);
	});

	it('documents every property of the JSON schema with a description', () => {
		const missing: string[] = [];
		const walk = (node: unknown, at: string) => {
			if (node === null || typeof node !== 'object') return;
			const n = node as Record<string, unknown>;
			if (n.properties && typeof n.properties === 'object') {
				for (const [key, sub] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
					if (typeof sub.description !== 'string' || sub.description === '') missing.push(`${at}.${key}`);
					walk(sub, `${at}.${key}`);
				}
			}
			for (const k of ['oneOf', 'anyOf', 'items', 'additionalProperties']) {
				const v = n[k];
				if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}.${k}[${i}]`));
				else walk(v, `${at}.${k}`);
			}
		};
		walk(schema, '$');
		expect(missing).toEqual([]);
	});

	it('says how to fix a problem, not only where it is', () => {
		expect(zodError({ goldenSet: 'g.jsonl', system: { ...http, answer: 42 } })).toMatch(/system\.answer: .*e\.g\. "\$\.answer"/);
		expect(zodError({ goldenSet: 'g.jsonl', system: { ...http, type: 'grpc' } })).toContain('must be one of assay, http, exec, file');
	});
});

describe('the config keys of each system type', () => {
	const keys = (shape: Record<string, unknown>) =>
		Object.keys(shape)
			.filter((k) => k !== '$comment')
			.sort();
	const ours = (type: string) => {
		const option = (
			AssayConfigSchema.shape.system.options as unknown as { shape: Record<string, { value?: unknown; def?: { values?: unknown[] } }> }[]
		).find((o) => (o.shape.type as unknown as { value: string }).value === type);
		return keys(option?.shape ?? {});
	};
	it.each([
		['http', HttpSystemConfigSchema.shape],
		['file', FileSystemConfigSchema.shape],
		['exec', ExecSystemConfigSchema.shape]
	])('are those of the %s adapter (plus $comment), so the file format and the adapter never drift apart', (type, shape) => {
		expect(ours(type)).toEqual(keys(shape as Record<string, unknown>));
	});

	it('match the JSON schema', () => {
		const props = (type: string) => {
			const s = schema as { properties: { system: { oneOf: { properties: Record<string, { const?: string }> }[] } } };
			return keys(s.properties.system.oneOf.find((o) => o.properties.type?.const === type)?.properties ?? {});
		};
		for (const type of ['http', 'file', 'exec', 'assay']) expect(props(type), type).toEqual(ours(type));
	});
});

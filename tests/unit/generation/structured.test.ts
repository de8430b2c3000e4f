import { describe, expect, it } from 'vitest';
import {
	parseSchemaText,
	parseStructuredOutput,
	structuredRequest,
	TICKET_SCHEMA,
	type SchemaValidator
} from '../../../src/lib/generation/index.ts';

/** Test validator: valid when the value is an object with a numeric `urgency` 1–5. */
const urgency: SchemaValidator = {
	validate: (_s, v) =>
		typeof v === 'object' &&
		v !== null &&
		typeof (v as { urgency?: unknown }).urgency === 'number' &&
		(v as { urgency: number }).urgency <= 5
			? []
			: ['/urgency: out of range']
};

describe('parseStructuredOutput', () => {
	it('returns the parsed object when it is JSON and valid', () => {
		expect(parseStructuredOutput('{"urgency": 3}', 'stop', TICKET_SCHEMA, urgency)).toEqual({
			ok: true,
			value: { urgency: 3 },
			text: '{"urgency": 3}'
		});
	});

	it('tolerates a json code fence around the object', () => {
		expect(parseStructuredOutput('```json\n{"urgency": 1}\n```', 'stop', TICKET_SCHEMA, urgency)).toMatchObject({
			ok: true,
			value: { urgency: 1 }
		});
	});

	it('reports output cut by the token limit as LLM_OUTPUT_TRUNCATED even when the prefix parses', () => {
		expect(parseStructuredOutput('{"urgency": 3}', 'length', TICKET_SCHEMA, urgency)).toMatchObject({
			ok: false,
			error: { code: 'LLM_OUTPUT_TRUNCATED' }
		});
	});

	it('reports text that is not JSON as LLM_OUTPUT_INVALID', () => {
		expect(parseStructuredOutput('Sure! {"urgency": 3', 'stop', TICKET_SCHEMA, urgency)).toMatchObject({
			ok: false,
			error: { code: 'LLM_OUTPUT_INVALID' }
		});
	});

	it('reports schema errors as LLM_OUTPUT_INVALID with the validator messages', () => {
		expect(parseStructuredOutput('{"urgency": 9}', 'stop', TICKET_SCHEMA, urgency)).toMatchObject({
			ok: false,
			error: { code: 'LLM_OUTPUT_INVALID', details: { errors: ['/urgency: out of range'] } }
		});
	});
});

describe('structured requests and schema text', () => {
	it('sends the schema as a string for constrained decoding and in the system prompt', () => {
		const r = structuredRequest({ type: 'object' }, 'my ticket', 64);
		expect(r.responseFormat).toEqual({ type: 'json_object', schema: '{"type":"object"}' });
		expect(r.messages[0]!.content).toContain('{"type":"object"}');
		expect(r.messages[1]).toEqual({ role: 'user', content: 'my ticket' });
		expect([r.maxTokens, r.temperature]).toEqual([64, 0]);
	});

	it('rejects schema text that is not a JSON object with CONFIG_INVALID', () => {
		expect(() => parseSchemaText('[1]')).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
		expect(() => parseSchemaText('{')).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID' }) as Error);
		expect(parseSchemaText('{"type":"object"}')).toEqual({ type: 'object' });
	});
});

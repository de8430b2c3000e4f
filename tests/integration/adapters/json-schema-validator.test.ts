import { describe, expect, it } from 'vitest';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { parseStructuredOutput, TICKET_SCHEMA } from '../../../src/lib/generation/index.ts';

const v = new CfworkerSchemaValidator();

describe('CfworkerSchemaValidator on the ticket schema', () => {
	it('accepts a valid ticket', () => {
		expect(v.validate(TICKET_SCHEMA, { category: 'bug', urgency: 4, summary: 'Crash on save' })).toEqual([]);
	});

	it('lists each leaf error with its location, without wrapper duplicates', () => {
		expect(v.validate(TICKET_SCHEMA, { category: 'x', urgency: 7, summary: 's', extra: 1 })).toEqual([
			'/category: Instance does not match any of ["billing","bug","account","feature-request","other"].',
			'/urgency: 7 is greater than 5.',
			'/: Property "extra" does not match additional properties schema.'
		]);
	});

	it('names missing required properties', () => {
		expect(v.validate(TICKET_SCHEMA, { category: 'bug' })).toEqual([
			'/: Instance does not have required property "urgency".',
			'/: Instance does not have required property "summary".'
		]);
	});

	it('turns a model reply with an out-of-range urgency into a typed error', () => {
		expect(parseStructuredOutput('{"category":"bug","urgency":0,"summary":"s"}', 'stop', TICKET_SCHEMA, v)).toMatchObject({
			ok: false,
			error: { code: 'LLM_OUTPUT_INVALID', details: { errors: ['/urgency: 0 is less than 1.'] } }
		});
	});
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_DEFINITIONS, checkDefinition, parseCheckSpecs } from '../../../src/lib/evals/checks/index.ts';

/** The check types of issue 13's registry, as stored in saved check lists and reports. */
const KNOWN = [
	'json-schema',
	'required-fields',
	'must-contain',
	'must-not-contain',
	'banned-phrases',
	'length',
	'citations-present',
	'citations-valid',
	'quotes-verbatim',
	'canary-absent',
	'no-exfiltration-url'
];

describe('check registry', () => {
	it('holds exactly the known check types, each once', () => {
		expect(CHECK_DEFINITIONS.map((d) => d.type)).toEqual(KNOWN);
	});

	it('has one file per check type under checks/types, named by its type', () => {
		const dir = join(import.meta.dirname, '..', '..', '..', 'src', 'lib', 'evals', 'checks', 'types');
		const files = readdirSync(dir)
			.filter((f) => f !== 'pattern.ts')
			.map((f) => f.replace(/\.ts$/, ''));
		expect(files.sort()).toEqual([...KNOWN].sort());
	});

	it('finds each definition by type and none for an unknown type', () => {
		for (const type of KNOWN) expect(checkDefinition(type)?.type).toBe(type);
		expect(checkDefinition('no-such-check')).toBeUndefined();
	});

	it('parses a minimal spec of every type with the schema its file declares, and refuses an unknown type', () => {
		const minimal: Record<string, object> = {
			'json-schema': { schema: {} },
			'required-fields': { fields: ['a'] },
			'must-contain': { text: 'x' },
			'must-not-contain': { regex: 'x' },
			'banned-phrases': { phrases: ['x'] },
			length: { maxChars: 5 }
		};
		const specs = KNOWN.map((type) => ({ id: `c-${type}`, type, ...(minimal[type] ?? {}) }));
		expect(parseCheckSpecs(specs)).toEqual(specs);
		expect(() => parseCheckSpecs([{ id: 'x', type: 'no-such-check' }])).toThrow(/Invalid check list/);
	});
});

import { describe, expect, it } from 'vitest';
import {
	DEFAULT_SYSTEM_PROMPT,
	formatSystemPromptFile,
	parseSystemPromptFile,
	SYSTEM_PROMPT_FILE_SCHEMA,
	type FewShotExample,
	type SystemPromptSpec
} from '../../../src/lib/generation/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

const fewShot: FewShotExample[] = [
	{ question: 'Do kites fly?', sources: [{ title: 'Kites', text: 'Kites fly high.' }], answer: 'Yes [1].' }
];

function errorOf(text: string): AssayError {
	try {
		parseSystemPromptFile(text);
	} catch (e) {
		return e as AssayError;
	}
	throw new Error('expected a throw');
}

const valid = () => JSON.parse(formatSystemPromptFile(DEFAULT_SYSTEM_PROMPT, fewShot)) as Record<string, unknown>;

describe('system prompt file', () => {
	it('round-trips a spec and its few-shot examples exactly, Unicode and surrounding spaces included', () => {
		const spec: SystemPromptSpec = {
			...DEFAULT_SYSTEM_PROMPT,
			version: 7,
			role: '  Du antwortest — auf Deutsch. ',
			rules: ['Règle « un »', ''],
			edgeCases: []
		};
		expect(parseSystemPromptFile(formatSystemPromptFile(spec, fewShot))).toEqual({ spec, fewShot });
		expect(parseSystemPromptFile(formatSystemPromptFile(DEFAULT_SYSTEM_PROMPT))).toEqual({ spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] });
	});

	it('writes the schema marker first, one item per line and a final newline, and no fewShot key without examples', () => {
		const text = formatSystemPromptFile({ version: 2, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: ['a', 'b'], edgeCases: [] });
		expect(text).toBe(
			`{\n  "schema": "${SYSTEM_PROMPT_FILE_SCHEMA}",\n  "version": 2,\n  "role": "R",\n  "inputFormat": "I",\n  "outputFormat": "O",\n  "rules": [\n    "a",\n    "b"\n  ],\n  "edgeCases": []\n}\n`
		);
	});

	it('rejects text that is not JSON or not an object with CONFIG_INVALID saying what was expected', () => {
		const notJson = errorOf('{ "schema": ');
		expect(notJson.code).toBe('CONFIG_INVALID');
		expect(notJson.message).toMatch(
			/^Expected a system prompt file \(JSON with "schema": "assay.system-prompt.v1"\); the text does not parse as JSON/
		);
		expect(errorOf('[1, 2]').message).toBe(
			'Expected a system prompt file: a JSON object with "schema": "assay.system-prompt.v1"; received an array.'
		);
		expect(errorOf('null').message).toMatch(/received null\.$/);
	});

	it('names the path of each bad field: wrong schema marker, version, a rule, a nested few-shot text', () => {
		const bad = {
			...valid(),
			schema: 'assay.system-prompt.v9',
			version: 0,
			rules: ['ok', 3],
			fewShot: [{ question: 'q', sources: [{ title: 't', text: 5 }], answer: 'a' }]
		};
		const e = errorOf(JSON.stringify(bad));
		expect(e.code).toBe('CONFIG_INVALID');
		expect(e.details?.issues).toEqual([
			'schema: must be "assay.system-prompt.v1"',
			'version: Too small: expected number to be >=1',
			'rules[1]: Invalid input: expected string, received number',
			'fewShot[0].sources[0].text: Invalid input: expected string, received number'
		]);
		expect(e.message.startsWith('Invalid system prompt file — schema: must be')).toBe(true);
	});

	it('names a missing field, an empty role and an unknown (misspelt) key', () => {
		const { outputFormat: _drop, ...rest } = valid();
		const e = errorOf(JSON.stringify({ ...rest, role: '  ', edgeCase: [] }));
		expect(e.details?.issues).toEqual([
			'role: must not be empty',
			'outputFormat: Invalid input: expected string, received undefined',
			'(root): unknown key "edgeCase"'
		]);
	});
});

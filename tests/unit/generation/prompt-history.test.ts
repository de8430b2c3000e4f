import { describe, expect, it } from 'vitest';
import { DEFAULT_SYSTEM_PROMPT, lineDiff, parseFewShot, promptText, saveVersion } from '../../../src/lib/generation/index.ts';

const base = { role: 'R', inputFormat: 'I', outputFormat: 'O', rules: ['a'], edgeCases: [] };

describe('prompt history', () => {
	it('numbers saved versions 1, 2, … with their time', () => {
		const h1 = saveVersion([], base, [], 10);
		const h2 = saveVersion(h1, { ...base, rules: ['a', 'b'] }, [], 20);
		expect(h2.map((v) => [v.spec.version, v.savedAtMs])).toEqual([
			[1, 10],
			[2, 20]
		]);
	});

	it('does not add a version when nothing changed', () => {
		const h1 = saveVersion([], base, [], 10);
		expect(saveVersion(h1, base, [], 20)).toEqual(h1);
	});

	it('includes few-shot examples in the text that versions are compared by', () => {
		const v = saveVersion([], base, [{ question: 'q', sources: [{ title: 't', text: 'x' }], answer: 'a [1]' }], 1)[0]!;
		expect(promptText(v)).toBe('R\n\nInput: I\n\nOutput: O\n\nRules:\n1. a\n\nExample 1\nQuestion: q\n[1] t: x\nAnswer: a [1]');
	});

	it('numbers the default spec version 2, the first with sources delimited as data', () => {
		expect(DEFAULT_SYSTEM_PROMPT.version).toBe(2);
	});
});

describe('lineDiff', () => {
	it('marks changed lines as a deletion then an addition, keeping common lines', () => {
		expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
			{ op: 'same', text: 'a' },
			{ op: 'del', text: 'b' },
			{ op: 'add', text: 'B' },
			{ op: 'same', text: 'c' },
			{ op: 'add', text: 'd' }
		]);
	});

	it('reports identical texts as all same', () => {
		expect(lineDiff('x\ny', 'x\ny').every((l) => l.op === 'same')).toBe(true);
	});
});

describe('parseFewShot', () => {
	it('reads an array of examples and treats blank text as none', () => {
		expect(parseFewShot('[{"question":"q","sources":[{"title":"t","text":"x"}],"answer":"a"}]')).toEqual([
			{ question: 'q', sources: [{ title: 't', text: 'x' }], answer: 'a' }
		]);
		expect(parseFewShot('  ')).toEqual([]);
	});

	it('names the first malformed example', () => {
		expect(() => parseFewShot('[{"question":"q","sources":[],"answer":"a"},{"question":1}]')).toThrowError(/example 2/);
	});
});

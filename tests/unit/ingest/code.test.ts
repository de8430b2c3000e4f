import { describe, expect, it } from 'vitest';
import { codeParser, codeUnits } from '../../../src/lib/ingest/parsers/code.ts';

const SOURCE = `import x from 'y';
import z from 'w';

/** Adds. */
export function add(a: number, b: number) {
  const c = a;

  return c + b;
}

class Foo {
  bar() {}
}
`;

describe('code parsing', () => {
	it('cuts top-level blocks, keeps blank lines inside a body, and joins a doc comment to its function', () => {
		expect(codeUnits(SOURCE).map((u) => SOURCE.slice(u.startOffset, u.endOffset))).toEqual([
			"import x from 'y';\nimport z from 'w';",
			'/** Adds. */\nexport function add(a: number, b: number) {\n  const c = a;\n\n  return c + b;\n}',
			'class Foo {\n  bar() {}\n}'
		]);
	});

	it('names units after the definition they hold', () => {
		expect(codeUnits(SOURCE).map((u) => u.headingPath)).toEqual([[], ['add'], ['Foo']]);
	});

	it('records the language from the extension', async () => {
		const parsed = await codeParser.parse({
			bytes: new TextEncoder().encode('def f():\n    return 1\n'),
			name: 'm.py',
			format: 'code',
			maxInflatedBytes: 1
		});
		expect(parsed.language).toBe('python');
		expect(parsed.units!.map((u) => u.headingPath)).toEqual([['f']]);
	});
});

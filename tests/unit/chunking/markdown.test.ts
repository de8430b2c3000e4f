import { describe, expect, it } from 'vitest';
import { Marked } from 'marked';
import { chunkDocument, markdownWarnings, overlapShortfalls, type TextChunk } from '../../../src/lib/chunking/index.ts';

const md = (text: string, chunkSizeChars: number, chunkOverlapChars = 0) =>
	chunkDocument(text, 'markdown', { chunkSizeChars, chunkOverlapChars });
const rows = (chunks: TextChunk[]) => chunks.map((c) => [c.text, c.startOffset, c.endOffset]);

describe('markdown sections', () => {
	const doc =
		'Preface line.\n\n# Handbook\nIntro.\n\n## Leave\n\n### Sick leave ###\nCall the office.\n\n## Pay\nMonthly.\n\n# Appendix\nEnd.\n';

	it('give each chunk the path of enclosing ATX headings, outermost first, without the #s', () => {
		expect(md(doc, 200).map((c) => [c.text, c.headingPath])).toEqual([
			['Preface line.', []],
			['# Handbook\nIntro.', ['Handbook']],
			['## Leave', ['Handbook', 'Leave']],
			['### Sick leave ###\nCall the office.', ['Handbook', 'Leave', 'Sick leave']],
			['## Pay\nMonthly.', ['Handbook', 'Pay']],
			['# Appendix\nEnd.', ['Appendix']]
		]);
	});

	it('are never crossed by a chunk, even when the whole document would fit in one', () => {
		expect(md(doc, 10_000)).toHaveLength(6);
	});

	it('record offsets whose slice is the chunk text, with ordinals in document order', () => {
		const chunks = md(doc, 200);
		expect(chunks.map((c) => doc.slice(c.startOffset, c.endOffset))).toEqual(chunks.map((c) => c.text));
		expect(chunks.map((c) => c.ordinal)).toEqual([0, 1, 2, 3, 4, 5]);
	});

	it('ignore heading-like lines inside code fences, without a space after #, or indented four spaces', () => {
		const text = '# Real\n\n```md\n# Not a heading\n```\n\n#hashtag is text\n    # indented code\n   ### Three spaces\nbody\n';
		expect(md(text, 200).map((c) => [c.text, c.headingPath])).toEqual([
			['# Real\n\n```md\n# Not a heading\n```\n\n#hashtag is text\n    # indented code', ['Real']],
			['### Three spaces\nbody', ['Real', 'Three spaces']]
		]);
	});

	it('read CRLF line endings and strip closing # sequences from heading text', () => {
		const text = '# Guide #\r\nIntro.\r\n\r\n## Setup ##  \r\nSteps.\r\n';
		expect(md(text, 100).map((c) => [c.text, c.headingPath])).toEqual([
			['# Guide #\r\nIntro.', ['Guide']],
			['## Setup ##  \r\nSteps.', ['Guide', 'Setup']]
		]);
	});

	it('keep overlap inside the section: the first chunk of a section has none', () => {
		const text = '# A\nalpha beta gamma delta\n# B\nepsilon zeta';
		expect(md(text, 16, 8).map((c) => [c.text, c.headingPath])).toEqual([
			['# A\nalpha beta', ['A']],
			['beta gamma delta', ['A']],
			['# B\nepsilon zeta', ['B']]
		]);
	});
});

describe('markdown code fences', () => {
	const fence = '```ts\nconst a = 1;\nconst b = 2;\nif (a < b) {\n  console.log(a);\n}\n```';
	const doc = `Some prose before the code.\n\n${fence}\n\nProse after.\n`;

	it('are kept whole in one chunk when they fit', () => {
		const chunks = md(doc, fence.length);
		expect(chunks.map((c) => c.text)).toEqual(['Some prose before the code.', fence, 'Prose after.']);
		expect(chunks[1]?.startOffset).toBe(doc.indexOf('```'));
	});

	it('are split by lines when too large, each piece re-opened with the opening line and closed with the marker', () => {
		expect(rows(md(doc, 36))).toEqual([
			['Some prose before the code.', 0, 27],
			['```ts\nconst a = 1;\nconst b = 2;\n```', 29, 60],
			['```ts\nif (a < b) {\n```', 61, 73],
			['```ts\n  console.log(a);\n}\n```', 74, 97],
			['Prose after.', 99, 111]
		]);
	});

	it('count the added fence lines against the size and point offsets at the source part', () => {
		const chunks = md(doc, 36).slice(1, 4);
		expect(chunks.map((c) => c.text.length <= 36)).toEqual([true, true, true]);
		expect(chunks.map((c) => doc.slice(c.startOffset, c.endOffset))).toEqual([
			'```ts\nconst a = 1;\nconst b = 2;',
			'if (a < b) {',
			'  console.log(a);\n}\n```'
		]);
	});

	it('take overlap from whole lines or words of the code, never from the opening line', () => {
		expect(md(doc, 36, 12).map((c) => c.text)).toEqual([
			'Some prose before the code.',
			'the code.\n\n```ts\nconst a = 1;\n```',
			'```ts\na = 1;\nconst b = 2;\n```',
			'```ts\nb = 2;\nif (a < b) {\n```',
			'```ts\na < b) {\n  console.log(a);\n```',
			'```ts\n(a);\n}\n```',
			'Prose after.'
		]);
	});

	it('never lend their content as overlap to the prose that follows them', () => {
		const text = 'Intro words here.\n\n```\ncode line\n```\nAfter the fence comes a long paragraph of prose text.';
		expect(rows(md(text, 40, 20))).toEqual([
			['Intro words here.\n\n```\ncode line\n```', 0, 36],
			['After the fence comes a long paragraph', 37, 75],
			['a long paragraph of prose text.', 59, 90]
		]);
	});

	it('let a heading share its chunk with the first lines of a long fence that follows it', () => {
		const text = '## Example\n\n```py\ndef f(x):\n    return x * 2\n\nprint(f(3))\n```\n';
		expect(md(text, 40).map((c) => [c.text, c.headingPath])).toEqual([
			['## Example\n\n```py\ndef f(x):\n```', ['Example']],
			['```py\n    return x * 2\n\nprint(f(3))\n```', ['Example']]
		]);
	});

	it('re-open with a longer backtick marker and ignore shorter inner fences', () => {
		const text = '````md\n```\ninner line one\n```\nmore text here\n````\n';
		expect(rows(md(text, 30))).toEqual([
			['````md\n```\ninner line one\n````', 0, 25],
			['````md\n```\nmore text here\n````', 26, 49]
		]);
	});

	it('run an unclosed tilde fence to the end, hiding headings, and leave its last piece unclosed', () => {
		const text = '~~~\nalpha beta\ngamma delta\n# not heading\nepsilon\n';
		expect(md(text, 24).map((c) => [c.text, c.headingPath])).toEqual([
			['~~~\nalpha beta\n~~~', []],
			['~~~\ngamma delta\n~~~', []],
			['~~~\n# not heading\n~~~', []],
			['~~~\nepsilon', []]
		]);
	});

	it('are split as plain text when the fence lines would take more than half the size', () => {
		const text = 'Text.\n\n```a-very-long-info-string\nx = 1\ny = 2\n```\n';
		const chunks = md(text, 20);
		expect(chunks.map((c) => c.text)).toEqual(['Text.\n\n```a-very-', 'long-info-string', 'x = 1\ny = 2\n```']);
		expect(chunks.every((c) => c.text === text.slice(c.startOffset, c.endOffset))).toBe(true);
	});

	it('keep a single cluster longer than the room left by the fence lines whole, with its fence lines', () => {
		const family = '👨‍👩‍👧‍👦'; // 11 code units, one cluster
		const text = '```\nab\n' + family + '\ncd\n```';
		const chunks = md(text, 16);
		expect(rows(chunks)).toEqual([
			['```\nab\n```', 0, 6],
			['```\n' + family + '\n```', 7, 18],
			['```\ncd\n```', 19, 25]
		]);
		expect(text.slice(7, 18)).toBe(family);
	});
});

describe('markdown code fences inside list items', () => {
	const marked = new Marked({ gfm: true, async: false });
	const render = (s: string) => marked.parse(s) as string;
	const text = '- item one\n\n    ```js\n    const a = 1;\n    const b = 2;\n      const c = 3;\n    ```\n\n- item two\n';

	it('are recognised as fences: a split one is closed with its indentation and re-opened in each continuation', () => {
		expect(rows(md(text, 60))).toEqual([
			['- item one\n\n    ```js\n    const a = 1;\n    ```', 0, 38],
			['  ```js\n  const b = 2;\n    const c = 3;\n  ```', 39, 82],
			['- item two', 84, 94]
		]);
	});

	it('render every piece as the same code block, never as literal fence markers', () => {
		for (const size of [40, 60]) {
			const chunks = md(text, size);
			const code = chunks.map((c) => render(c.text)).join('');
			expect(code, `size ${size}`).not.toContain('```');
			for (const line of ['const a = 1;', 'const b = 2;', '  const c = 3;'])
				expect(code).toMatch(new RegExp(`<code class="language-js">(?:[^<]*\\n)?${line}\\n`));
			expect(render(chunks[0]!.text)).toMatch(/<li><p>item one<\/p>\s*<pre><code class="language-js">/);
		}
	});

	it('end with their list item when no closing marker comes first', () => {
		const t = '1. step\n\n   ```sh\n   make\n   make test\nafter the list\n';
		expect(md(t, 200).map((c) => c.text)).toEqual([t.trim()]);
		expect(markdownWarnings(t)).toEqual([]);
	});
});

describe('markdown warnings', () => {
	it('name an unterminated code fence with its line, once per document', () => {
		expect(markdownWarnings('# T\n\nText.\n\n```js\ncode\n# not a heading\n')).toEqual([
			{ kind: 'unterminated-code-fence', count: 1, message: expect.stringContaining('line 5 is never closed') }
		]);
		expect(markdownWarnings('```\nclosed\n```\n')).toEqual([]);
	});
});

describe('applied overlap', () => {
	it('is recorded on every chunk after the first of its section, and a shortfall is counted where a fence blocks it', () => {
		const text = 'Intro words here.\n\n```\ncode line\n```\nAfter the fence comes a long paragraph of prose text.';
		const chunks = md(text, 40, 20);
		expect(chunks.map((c) => c.overlapChars)).toEqual([undefined, 0, 16]);
		expect(overlapShortfalls(chunks, 20)).toBe(1);
		expect(overlapShortfalls(chunks, 0)).toBe(0);
	});

	it('starts again at each section: the first chunk under a heading has none', () => {
		const chunks = md('# A\nalpha beta gamma delta\n\n# B\nepsilon zeta\n', 16, 6);
		expect(chunks.map((c) => [c.headingPath[0], c.overlapChars])).toEqual([
			['A', undefined],
			['A', 4],
			['B', undefined]
		]);
	});
});

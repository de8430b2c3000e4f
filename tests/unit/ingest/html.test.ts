import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../src/lib/ingest/parsers/html-text.ts';

const DIR = 'tests/fixtures/cases/html-01-script-style-leak';

describe('html-01: script/style leak', () => {
	it('extracts exactly the expected text', () => {
		expect(htmlToText(readFileSync(`${DIR}/input.html`, 'utf8')).text).toBe(readFileSync(`${DIR}/expected.txt`, 'utf8'));
	});

	it('opens sections at the title and headings', () => {
		const { sections, title } = htmlToText(readFileSync(`${DIR}/input.html`, 'utf8'));
		expect(title).toBe('Parking FAQ');
		expect(sections.map((s) => s.headingPath)).toEqual([['Parking FAQ'], ['Parking FAQ', 'Where can visitors park?']]);
	});
});

describe('htmlToText', () => {
	it('never outputs text from skipped elements or comments', () => {
		const html =
			'<p>keep</p><svg><text>svgtext</text></svg><iframe>frame</iframe><object>obj</object><!-- hidden --><template>tpl</template>';
		expect(htmlToText(html).text).toBe('keep\n');
	});

	it('marks list items and numbers ordered lists from their start', () => {
		expect(htmlToText('<ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li><li>four</li></ol>').text).toBe(
			'- one\n- two\n\n3. three\n4. four\n'
		);
	});

	it('does not glue words across blocks or adjacent links', () => {
		expect(htmlToText('<div>alpha</div><div>beta</div><a href="#">x</a><a href="#">y</a>').text).toBe('alpha\n\nbeta\n\nx y\n');
	});

	it('keeps inline markup inside a word together', () => {
		expect(htmlToText('<p>re<b>trie</b>val</p>').text).toBe('retrieval\n');
	});

	it('nests heading paths by level', () => {
		const { sections } = htmlToText('<h1>A</h1><p>x</p><h2>B</h2><p>y</p><h2>C</h2><p>z</p><h1>D</h1><p>w</p>');
		expect(sections.map((s) => s.headingPath)).toEqual([['A'], ['A', 'B'], ['A', 'C'], ['D']]);
	});

	it('gives empty text for a page with no visible text', () => {
		expect(htmlToText('<script>x()</script><style>p{}</style>').text).toBe('');
	});
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDelimited } from '../../../src/lib/ingest/parsers/csv.ts';
import { sanitizeText } from '../../../src/lib/ingest/encoding/sanitize.ts';
import { htmlToText } from '../../../src/lib/ingest/parsers/html-text.ts';
import { chunkStructured } from '../../../src/lib/chunking/chunk-structured.ts';

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
const quote = (field: string) => (/[",\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
const cell = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', 'é', '検'), maxLength: 8 });

describe('ingest properties', () => {
	it('CSV: any table written with RFC 4180 quoting parses back to the same rows', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 2, max: 4 }),
				fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 6 }),
				(columns, rawRows) => {
					const fields = Array.from({ length: columns }, (_, i) => `f${i}`);
					const rows = rawRows.map((r) => r.slice(0, columns));
					const text = [fields.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';
					const parsed = parseDelimited(text, ',');
					expect(parsed.fields).toEqual(fields);
					expect(parsed.rows).toEqual(rows.map((r) => Object.fromEntries(fields.map((f, i) => [f, r[i]!]))));
				}
			)
		);
	});

	it('sanitizeText leaves no lone surrogate or control character and is idempotent', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
				const once = sanitizeText(s).text;
				expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(once)).toBe(false);
				// eslint-disable-next-line no-control-regex -- checking that no control character is left
				expect(/[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/.test(once)).toBe(false);
				expect(sanitizeText(once).text).toBe(once);
			})
		);
	});

	it('HTML: text inside script, style and comments never reaches the output', () => {
		const word = fc.stringMatching(/^[a-z]{3,8}$/);
		fc.assert(
			fc.property(word, word, word, (a, b, c) => {
				const html = `<p>visible</p><script>var ${a}zz=1</script><style>.${b}zz{}</style><!-- ${c}zz --><p>end</p>`;
				const text = htmlToText(html).text;
				expect(text).toBe('visible\n\nend\n');
			})
		);
	});

	it('units: every unit lands in a chunk, each chunk within the size, offsets increasing', () => {
		fc.assert(
			fc.property(
				fc.array(fc.stringMatching(/^[a-z]{1,6}( [a-z]{1,6}){0,12}$/), { minLength: 1, maxLength: 20 }),
				fc.integer({ min: 20, max: 120 }),
				(lines, size) => {
					const text = lines.join('\n') + '\n';
					let offset = 0;
					const units = lines.map((l) => {
						const u = { startOffset: offset, endOffset: offset + l.length, headingPath: [] as string[] };
						offset += l.length + 1;
						return u;
					});
					const chunks = chunkStructured(
						{ text, layout: 'units', units, repeatedHeader: 'h' },
						{ chunkSizeChars: size, chunkOverlapChars: 0 }
					);
					for (const c of chunks) expect(c.text.length).toBeLessThanOrEqual(size);
					for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.startOffset).toBeGreaterThan(chunks[i - 1]!.startOffset);
					for (const l of lines) for (const word of l.split(' ')) expect(chunks.some((c) => c.text.includes(word))).toBe(true);
				}
			)
		);
	});
});

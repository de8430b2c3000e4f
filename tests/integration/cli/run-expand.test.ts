import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../support/cli.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const schema = JSON.parse(readFileSync(new URL('../../../schemas/expanded-spans.v1.schema.json', import.meta.url), 'utf8')) as object;

/** `assay run --mode lexical` on the parent fixture (chunks of ≤ 40 code units, no overlap), spans to stdout, the run to a temporary file. */
async function run(...extra: string[]) {
	const out = join(mkdtempSync(join(tmpdir(), 'assay-run-expand-')), 'run.trec');
	const result = await runCliCaptured([
		'run',
		'--dataset',
		join(fixtures, 'datasets/parent'),
		'--mode',
		'lexical',
		'--top-k',
		'3',
		'--chunk-size',
		'40',
		'--chunk-overlap',
		'0',
		'--out',
		out,
		'--spans-out',
		'-',
		...extra
	]);
	expect(result.code, result.stderr).toBe(0);
	return { ...result, spans: JSON.parse(result.stdout) as { queries: Record<string, unknown[]> }, run: readFileSync(out, 'utf8') };
}

describe('assay run --expand', () => {
	it('returns the parent spans of the matched chunks: a plain-text document is one section', async () => {
		const { spans, run: trec, stderr } = await run('--expand', 'parent-section');
		expect(spans.queries).toEqual({
			'q-dawn': [{ doc: 'garden', startOffset: 0, endOffset: 75, tokens: 25, kind: 'parent-section', hits: ['garden#1'] }],
			'q-boards': [{ doc: 'kitchen', startOffset: 0, endOffset: 95, tokens: 32, kind: 'parent-section', hits: ['kitchen#1'] }]
		});
		expect(trec.split('\n')[0]).toMatch(/^q-dawn Q0 garden 1 /);
		expect(stderr).toContain('expansion parent-section (≤ 512 tokens): 2 spans, average 28.5 tokens');
		expect(new Ajv({ strict: true }).validate(schema, spans)).toBe(true);
	});

	it('returns a window of neighbouring chunks that fits the token budget', async () => {
		const { spans } = await run('--expand', 'neighbours', '--expand-max-tokens', '20', '--expand-window', '1');
		expect(spans.queries).toEqual({
			'q-dawn': [{ doc: 'garden', startOffset: 25, endOffset: 75, tokens: 17, kind: 'neighbours', hits: ['garden#1'] }],
			'q-boards': [{ doc: 'kitchen', startOffset: 35, endOffset: 95, tokens: 20, kind: 'neighbours', hits: ['kitchen#1'] }]
		});
	});

	it('refuses expansion flags without --expand', async () => {
		const { code, stderr } = await runCliCaptured([
			'run',
			'--dataset',
			join(fixtures, 'datasets/parent'),
			'--mode',
			'lexical',
			'--out',
			'-',
			'--spans-out',
			'-'
		]);
		expect(code).not.toBe(0);
		expect(stderr).toContain('--spans-out needs --expand');
	});
});

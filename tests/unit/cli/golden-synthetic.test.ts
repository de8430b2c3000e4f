import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoldenCases } from '../../../src/cli/eval/load-config.ts';

const source = (review: string) => ({
	kind: 'synthetic',
	model: 'm',
	promptVersion: 'synthetic-qa/1',
	documentIds: ['a.md'],
	generatedAt: '2026-01-02T00:00:00.000Z',
	review
});

describe('assay eval golden set', () => {
	it('leaves out synthetic cases whose review is not accepted', () => {
		const path = join(mkdtempSync(join(tmpdir(), 'assay-syn-')), 'golden.jsonl');
		const lines = [
			{ id: 'q1', query: 'Real?', relevant: ['a.md'] },
			{ id: 'syn-1', query: 'Accepted?', relevant: ['a.md'], source: source('accepted') },
			{ id: 'syn-2', query: 'Pending?', relevant: ['a.md'], source: source('pending') },
			{ id: 'syn-3', query: 'Rejected?', relevant: ['a.md'], source: source('rejected') }
		];
		writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n'));
		expect(loadGoldenCases({ path, format: 'jsonl' }).map((c) => c.id)).toEqual(['q1', 'syn-1']);
	});
});

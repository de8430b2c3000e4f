import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../../src/lib/services/eval-service.ts';
import { GoldenSetRecordSchema, type GoldenCase } from '../../../src/lib/evals/golden/types.ts';

describe('golden sets keep where a promoted case came from', () => {
	it('stores and lists a case with its trace source; a malformed source is refused', async () => {
		const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
		const svc = combineApis(api, createEvalService(api, internals));
		const ws = await svc.createWorkspace('w');
		const promoted: GoldenCase = {
			id: 'trace-aaaaaaaa',
			query: 'When?',
			relevant: [{ doc: 'a.md', grade: 1 }],
			reference: 'In 2001.',
			tags: ['from-trace'],
			source: { kind: 'trace', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), promotedAt: '2026-12-02T16:30:00.000Z' }
		};
		const saved = await svc.saveGoldenSet(ws.id, null, 'From failures', [promoted]);
		const [listed] = await svc.listGoldenSets(ws.id);
		expect(listed!.id).toBe(saved.id);
		expect(listed!.cases).toEqual([promoted]);
		expect(GoldenSetRecordSchema.parse(listed).cases[0]!.source).toEqual(promoted.source);
		const bad = { ...promoted, source: { ...promoted.source!, promotedAt: 'yesterday' } };
		await expect(svc.saveGoldenSet(ws.id, saved.id, 'From failures', [bad])).rejects.toThrow(/source.promotedAt/);
	});
});

import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, openAssayDb } from '../../../src/lib/storage/index.ts';
import { createAnswerService } from '../../../src/lib/services/answer-service.ts';
import { createLibraryServiceWithInternals } from '../../../src/lib/services/library.ts';
import { AnswerCache, type AnswerCacheEntry, type AnswerCacheStore } from '../../../src/lib/cache/answer-cache.ts';
import { summarizeCitations } from '../../../src/lib/generation/index.ts';
import { freshFactory } from './fixtures.ts';

describe('answer cache store (schema v6)', () => {
	it('a v5 database upgrades to v6 with its cached responses kept and an empty answer cache', async () => {
		const factory = freshFactory();
		const v5 = await openAssayDb({ idbFactory: factory, migrations: MIGRATIONS.slice(0, 5) });
		await v5.responseCache.put('k'.repeat(64), { answer: 'kept' }, 1);
		v5.close();
		const v6 = await openAssayDb({ idbFactory: factory });
		expect(SCHEMA_VERSION).toBe(6);
		expect(v6.version).toBe(6);
		expect(await v6.responseCache.get('k'.repeat(64))).toEqual({ answer: 'kept' });
		expect(await v6.answerCache.listByWorkspace('w1')).toEqual([]);
		v6.close();
	});

	it('keeps entries through the library worker API across a reopened database, serves them, and deletes them with the workspace', async () => {
		const factory = freshFactory();
		const first = createLibraryServiceWithInternals({ idbFactory: factory });
		const workspace = await first.api.createWorkspace('Handbook');
		const other = await first.api.createWorkspace('Other');
		const svc = createAnswerService(first.api, first.internals);
		const { corpusHash } = await svc.answerCacheContext(workspace.id);
		expect(corpusHash).toMatch(/^[0-9a-f]{64}$/);
		const store: AnswerCacheStore = {
			list: (id) => svc.listAnswerCache(id),
			put: (e) => svc.putAnswerCacheEntry(e),
			delete: (keys) => svc.deleteAnswerCacheEntries(keys)
		};
		const spec = { version: 1, role: 'R', inputFormat: 'I', outputFormat: 'O', rules: [], edgeCases: [] };
		const request = {
			model: { provider: 'openai', modelId: 'm' },
			params: { maxTokens: 32, contextWindowTokens: 1024 },
			prompt: { spec, fewShot: [] },
			sources: [],
			question: 'Is leave paid?'
		};
		const cache = new AnswerCache({ store, settings: { mode: 'exact', similarityThreshold: 0.95 }, now: () => 7 });
		for (const id of [workspace.id, other.id]) {
			const scope = { workspaceId: id, corpusHash };
			const lookup = await cache.lookup(scope, request);
			await cache.store(scope, request, lookup, {
				text: 'Yes.',
				citations: summarizeCitations('Yes.', 0),
				finishReason: 'stop',
				usage: { inputTokens: 10, outputTokens: 2, estimated: false },
				sources: []
			});
		}
		(await first.internals.store()).close();

		const second = createLibraryServiceWithInternals({ idbFactory: factory });
		const svc2 = createAnswerService(second.api, second.internals);
		const entries: AnswerCacheEntry[] = await svc2.listAnswerCache(workspace.id);
		expect(entries.map((e) => [e.question, e.answer.text, e.createdAtMs])).toEqual([['Is leave paid?', 'Yes.', 7]]);
		await second.api.deleteWorkspace(workspace.id);
		expect(await svc2.listAnswerCache(workspace.id)).toEqual([]);
		expect(await svc2.listAnswerCache(other.id)).toHaveLength(1);
		expect(await svc2.clearAnswerCache(other.id)).toBe(1);
		expect(await svc2.deleteAnswerCacheEntries(['x'])).toBe(0);
	});
});

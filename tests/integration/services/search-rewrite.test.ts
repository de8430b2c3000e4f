import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICE_TABLE, spanCost } from '../../../src/lib/cost/index.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import type { ImportFileInput } from '../../../src/lib/services/library-api.ts';
import { rewriteQuery } from '../../../src/lib/search/rewrite/index.ts';

function file(relativePath: string, body: string): ImportFileInput {
	return { file: new Blob([body]), name: relativePath, relativePath };
}

async function workspace() {
	const lib = createLibraryService({ idbFactory: new IDBFactory() });
	const ws = await lib.createWorkspace('Test');
	await lib.importFiles(
		ws.id,
		[file('pets.txt', 'the puppy barked at the kennel'), file('cats.txt', 'our kitten purrs'), file('bread.txt', 'bake the bread')],
		'job'
	);
	return { lib, ws };
}

describe('search with a query rewrite', () => {
	it('fuses the multi-query lists, says which list found each hit, and records the rewrite call as a priced span', async () => {
		const { lib, ws } = await workspace();
		const model = new ScriptedChatModel('gpt-4o-mini', {
			tokens: ['{"queries": ["puppy kennel", "kitten"]}'],
			usage: { inputTokens: 50, outputTokens: 12 }
		});
		const plan = await rewriteQuery('dog', { technique: 'multi-query', count: 2, maxTokens: 64 }, { model });
		const response = await lib.search({
			workspaceId: ws.id,
			query: 'dog',
			topK: 5,
			mode: 'lexical',
			rewrite: { plan, model: { modelId: 'gpt-4o-mini', provider: 'openai-compatible' } }
		});
		expect(response.hits.map((h) => h.relativePath).sort()).toEqual(['cats.txt', 'pets.txt']);
		expect(response.hits.find((h) => h.relativePath === 'pets.txt')?.explain?.foundBy).toEqual(['rewrite-1:lexical']);
		expect(response.rewrite?.variants.map((v) => v.lexical)).toEqual(['dog', 'puppy kennel', 'kitten']);
		const span = (await lib.recentSpans(50)).find((s) => s.name === 'query.rewrite')!;
		expect(span.attributes).toMatchObject({
			'gen_ai.usage.input_tokens': 50,
			'gen_ai.usage.output_tokens': 12,
			'assay.rewrite.technique': 'multi-query'
		});
		expect(spanCost(span.attributes, DEFAULT_PRICE_TABLE)).toMatchObject({ ok: true, usd: (50 * 0.15 + 12 * 0.6) / 1e6 });
	});

	it('answers a search without a rewrite exactly as before: no rewrite section, no foundBy', async () => {
		const { lib, ws } = await workspace();
		const response = await lib.search({ workspaceId: ws.id, query: 'puppy', topK: 5, mode: 'lexical' });
		expect(response).not.toHaveProperty('rewrite');
		expect(response.hits[0]?.explain).not.toHaveProperty('foundBy');
	});
});

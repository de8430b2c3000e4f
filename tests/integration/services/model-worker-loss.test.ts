import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { exposeApi } from '../../../src/lib/rpc/index.ts';
import { createLibraryService } from '../../../src/lib/services/library.ts';

describe('a model worker that dies mid-call', () => {
	it('fails the embedding job in flight with WORKER_FAILED instead of leaving it waiting, and dense work waits for a new connection', async () => {
		const lib = createLibraryService({ idbFactory: new IDBFactory() });
		const ws = await lib.createWorkspace('Loss', { embedding: { modelId: 'static-embed', dtype: 'fp32', batchSize: 2 } });
		await lib.importFiles(
			ws.id,
			[{ file: new Blob(['the puppy barked at the kennel']), name: 'pets.txt', relativePath: 'pets.txt' }],
			'import'
		);
		// A model worker that receives the call and never answers (as one that crashed does).
		const { port1, port2 } = new MessageChannel();
		let called!: () => void;
		const reached = new Promise<void>((resolve) => (called = resolve));
		exposeApi({ embed: () => (called(), new Promise(() => {})), score: () => new Promise(() => {}) }, port2);
		await lib.connectModels(port1);
		const job = lib.embedWorkspace(ws.id, 'embed');
		await reached;
		await lib.disconnectModels('out of memory');
		await expect(job).rejects.toMatchObject({ code: 'WORKER_FAILED', message: expect.stringContaining('out of memory') });
		await expect(lib.embedWorkspace(ws.id, 'again')).rejects.toMatchObject({ code: 'WORKER_FAILED' });
		port1.close();
		port2.close();
	});
});

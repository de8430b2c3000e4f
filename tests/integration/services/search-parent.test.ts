import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createLibraryService } from '../../../src/lib/services/library.ts';
import { searchSources } from '../../../src/lib/services/retrieved-sources.ts';

// Chunks at size 40: 0 [0,36) Guide; 1 [38,74) 2 [75,100) 3 [102,127) Guide › Install; 4 [129,168) Guide › Usage.
const GUIDE =
	'# Guide\n\nIntro line about the guide.\n\n## Install\n\nRun the installer first. Then restart the machine.\n\nCheck the log afterwards.\n\n## Usage\n\nOpen the app and pick a file.';

/** A workspace holding guide.md, chunked at 40 code units without overlap. */
async function guideWorkspace() {
	const lib = createLibraryService({ idbFactory: new IDBFactory() });
	const ws = await lib.createWorkspace('Guide', { chunking: { chunkSizeChars: 40, chunkOverlapChars: 0 } });
	await lib.importFiles(ws.id, [{ file: new Blob([GUIDE]), name: 'guide.md', relativePath: 'guide.md' }], 'job');
	return { lib, workspaceId: ws.id };
}

describe('search with parent-document retrieval', () => {
	it('returns the parent section once for several matching chunks of it, with the span the explain view shows', async () => {
		const { lib, workspaceId } = await guideWorkspace();
		const plain = await lib.search({ workspaceId, query: 'installer restart log', topK: 5 });
		expect(plain.hits.map((h) => h.chunkOrdinal).sort()).toEqual([1, 2, 3]);
		const res = await lib.search({
			workspaceId,
			query: 'installer restart log',
			topK: 5,
			expand: { mode: 'parent-section', maxTokens: 512, windowChunks: 1 }
		});
		expect(res.hits).toHaveLength(1);
		const { parent, rank, chunkId } = res.hits[0]!;
		expect(rank).toBe(1);
		expect(parent).toMatchObject({ kind: 'parent-section', startOffset: 38, endOffset: 127, tokens: 30, firstOrdinal: 1, lastOrdinal: 3 });
		expect(parent?.text).toBe(GUIDE.slice(38, 127));
		expect([...(parent?.chunkIds ?? [])].sort()).toEqual(plain.hits.map((h) => h.chunkId).sort());
		expect(parent?.chunkIds[0]).toBe(chunkId);
	});

	it('gives the Ask prompt the parent text instead of the chunk text', async () => {
		const { lib, workspaceId } = await guideWorkspace();
		const sources = await searchSources((r) => lib.search(r), {
			workspaceId,
			query: 'restart',
			topK: 3,
			expand: { mode: 'neighbours', maxTokens: 20, windowChunks: 1 }
		});
		expect(sources.map((s) => s.text)).toEqual([GUIDE.slice(75, 127)]);
	});

	it('uses the workspace retrieval setting when the request names no expansion', async () => {
		const { lib, workspaceId } = await guideWorkspace();
		await lib.updateWorkspaceConfig(workspaceId, {
			chunking: { chunkSizeChars: 40, chunkOverlapChars: 0 },
			retrieval: { expand: { mode: 'parent-section', maxTokens: 512, windowChunks: 1 } }
		});
		const res = await lib.search({ workspaceId, query: 'restart', topK: 3 });
		expect(res.hits.map((h) => [h.parent?.startOffset, h.parent?.endOffset])).toEqual([[38, 127]]);
	});
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lexicalRetriever } from '../../../src/lib/services/eval-run.ts';
import { Bm25Index, createAnalyzer, rankDocumentsByBestChunk } from '../../../src/lib/search/index.ts';
import type { DocumentRecord } from '../../../src/lib/ingest/types.ts';

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta'];

function doc(id: string): DocumentRecord {
	return {
		id,
		workspaceId: 'w',
		name: id,
		relativePath: id,
		mediaType: 'text/plain',
		sizeBytes: 0,
		contentHash: id,
		status: 'ready',
		charCount: 0,
		chunkCount: 0,
		importedAtMs: 0,
		tags: []
	};
}

describe('eval retriever', () => {
	it('ranks documents by best chunk exactly as scoring every chunk would, for any depth (property)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.array(fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), {
					minLength: 1,
					maxLength: 25
				}),
				fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }),
				fc.integer({ min: 1, max: 12 }),
				(docs, query, depth) => {
					const bm25 = new Bm25Index({ k1: 0.9, b: 0.4 }, createAnalyzer('english'));
					const documents = new Map<string, DocumentRecord>();
					docs.forEach((chunks, d) => {
						documents.set(`d${d}`, doc(`d${d}`));
						chunks.forEach((words, c) => bm25.add(`d${d}#${c}`, words.join(' ')));
					});
					const q = query.join(' ');
					const full = rankDocumentsByBestChunk(bm25.search(q, { topK: bm25.size }), (id) => id.slice(0, id.lastIndexOf('#'))).slice(
						0,
						depth
					);
					const ours = lexicalRetriever({ bm25, documents }).retrieve(q, depth) as { docId: string; score: number }[];
					expect(ours).toEqual(full.map((h) => ({ docId: h.id, score: h.score })));
				}
			),
			{ numRuns: 300 }
		);
	});
});

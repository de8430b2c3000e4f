import { chunkDocument, chunkingConfigHash } from '../chunking/index.ts';
import { parseAppConfig } from '../config/schema.ts';
import { parseBeirCorpus } from '../evals/datasets/beir.ts';
import { parseGoldenTrec } from '../evals/golden/parse.ts';
import type { GoldenSetRecord } from '../evals/golden/types.ts';
import type { ChunkRecord, DocumentRecord } from '../ingest/types.ts';
import { AssayError } from '../shared/errors.ts';
import { sha256Text } from '../shared/hash.ts';
import { newId } from '../shared/ids.ts';
import { withSpan } from '../tracing/tracer.ts';
import type { BeirFolderInput, BeirImportProgress, BeirImportResult } from './eval-api.ts';
import type { LibraryApi } from './library-api.ts';
import type { LibraryInternals } from './library.ts';
import { chunkId } from '../shared/identity.ts';

/** Read a picked file as UTF-8 text, gunzipping it first when asked (DecompressionStream). */
export async function blobText(blob: Blob, gzipped: boolean): Promise<string> {
	if (!gzipped) return blob.text();
	try {
		return await new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).text();
	} catch (error) {
		throw new AssayError('FILE_READ', `Cannot gunzip the corpus: ${(error as Error).message}`, { cause: error });
	}
}

/**
 * Make a workspace from a BEIR folder: every corpus document becomes a document (id kept as
 * `externalId`, text = title, blank line, text; path `corpus/<_id>`), one chunk per document
 * (chunking mode `none`, as BEIR evaluates), indexed with BM25; and a golden set from
 * `queries.jsonl` + the qrels (judged queries only). A malformed corpus line stops the import
 * before anything is stored; bad query or qrels rows are reported and skipped.
 * @throws AssayError `DATASET_INVALID` for a malformed corpus or no usable query.
 */
export async function importBeirFolder(
	library: LibraryApi,
	internals: LibraryInternals,
	input: BeirFolderInput,
	onProgress?: (p: BeirImportProgress) => void
): Promise<BeirImportResult> {
	const started = performance.now();
	onProgress?.({ phase: 'reading', done: 0, total: 1 });
	const corpus = parseBeirCorpus(
		await blobText(input.corpus, input.corpusGzipped),
		input.corpusGzipped ? 'corpus.jsonl.gz' : 'corpus.jsonl'
	);
	const golden = parseGoldenTrec(await input.qrels.text(), await input.queries.text());
	if (golden.cases.length === 0)
		throw new AssayError('DATASET_INVALID', `No judged query with a text in ${input.name}: ${golden.errors[0]?.message ?? 'empty qrels'}`);
	const config = parseAppConfig({ chunking: { mode: 'none' }, bm25: { analyzer: input.analyzer ?? 'auto' } });
	const workspace = await library.createWorkspace(input.name, config);
	const store = await internals.store();
	const chunkingHash = await chunkingConfigHash(config.chunking);
	return withSpan(
		internals.tracer(),
		'eval.beir_import',
		{ attributes: { 'assay.documents': corpus.length, 'assay.workspace.id': workspace.id } },
		async () => {
			await internals.serial(workspace.id, async () => {
				const index = await internals.loadedIndex(workspace.id);
				for (const [i, d] of corpus.entries()) {
					const text = d.title ? `${d.title}\n\n${d.text}` : d.text;
					const id = newId('doc');
					const chunks: ChunkRecord[] = chunkDocument(text, 'text', config.chunking).map((c) => ({
						id: chunkId(id, c.ordinal),
						workspaceId: workspace.id,
						documentId: id,
						ordinal: c.ordinal,
						text: c.text,
						startOffset: c.startOffset,
						endOffset: c.endOffset,
						headingPath: c.headingPath
					}));
					const doc: DocumentRecord = {
						id,
						workspaceId: workspace.id,
						name: d.id,
						relativePath: `corpus/${d.id}`,
						mediaType: 'text/plain',
						sizeBytes: new TextEncoder().encode(text).length,
						contentHash: await sha256Text(text),
						status: 'ready',
						encoding: 'utf-8',
						charCount: text.length,
						chunkCount: chunks.length,
						chunkingConfigHash: chunkingHash,
						importedAtMs: Date.now(),
						tags: ['beir'],
						externalId: d.id
					};
					const { generation } = await store.documents.save({ document: doc, text, chunks });
					index.addDocument(doc, chunks);
					index.noteWrite(generation);
					if ((i + 1) % 250 === 0 || i + 1 === corpus.length) onProgress?.({ phase: 'storing', done: i + 1, total: corpus.length });
				}
				onProgress?.({ phase: 'indexing', done: corpus.length, total: corpus.length });
				await index.persist(store);
			});
			const now = Date.now();
			const goldenSet: GoldenSetRecord = {
				id: newId('gs'),
				workspaceId: workspace.id,
				name: `${input.name} (BEIR)`,
				format: 'beir',
				createdAtMs: now,
				updatedAtMs: now,
				cases: golden.cases
			};
			await store.goldenSets.put(goldenSet);
			return { workspace, goldenSet, documents: corpus.length, errors: golden.errors, durationMs: performance.now() - started };
		}
	);
}

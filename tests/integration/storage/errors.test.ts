import { afterEach, describe, expect, it, vi } from 'vitest';
import { chunksOf, document, openTestStore, span, workspace } from './fixtures.ts';
import { toStorageError } from '../../../src/lib/storage/index.ts';
import type { AssayStore } from '../../../src/lib/storage/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';

let store: AssayStore | undefined;
afterEach(() => {
	vi.restoreAllMocks();
	store?.close();
	store = undefined;
});

async function open(): Promise<AssayStore> {
	store = (await openTestStore()).store;
	return store;
}

/** Make every `put` on object stores named `storeName` throw QuotaExceededError synchronously. */
function quotaOnPut(storeName: string): void {
	const put = IDBObjectStore.prototype.put;
	vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
		if (this.name === storeName) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
		return put.call(this, value, key);
	});
}

describe('quota and failure mapping', () => {
	it('a QuotaExceededError from a put becomes STORAGE_QUOTA and the save leaves nothing behind', async () => {
		const s = await open();
		const old = document('old');
		await s.documents.save({ document: old, text: 'old', chunks: chunksOf(old, 2) });
		quotaOnPut('chunks');
		const doc = document('d1');

		const error = await s.documents
			.save({ document: doc, text: 'text', chunks: chunksOf(doc, 3), replaceDocumentId: 'old' })
			.catch((e: unknown) => e);
		vi.restoreAllMocks();

		expect(error).toBeInstanceOf(AssayError);
		expect(error).toMatchObject({
			code: 'STORAGE_QUOTA',
			message: expect.stringMatching(/^Browser storage is full: .*free space.*remove documents/)
		});
		expect((error as AssayError).cause).toMatchObject({ name: 'QuotaExceededError' });
		expect(await s.documents.get('d1')).toBeUndefined();
		expect(await s.documents.text('d1')).toBeUndefined();
		expect(await s.documents.get('old')).toEqual(old);
		expect(await s.chunks.countByWorkspace('ws1')).toBe(2);
	});

	it('a transaction aborted with QuotaExceededError as its error becomes STORAGE_QUOTA', async () => {
		const s = await open();
		const put = IDBObjectStore.prototype.put;
		vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
			const request = put.call(this, value, key);
			// fake-indexeddb's internal abort with a reason: requests fail with AbortError and
			// tx.error is QuotaExceededError, as browsers report a full disk.
			(this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
			return request;
		});

		await expect(s.workspaces.put(workspace('w1'))).rejects.toMatchObject({ code: 'STORAGE_QUOTA' });
		vi.restoreAllMocks();
		expect(await s.workspaces.get('w1')).toBeUndefined();
	});

	it('quota failures map to STORAGE_QUOTA for every kind of write', async () => {
		const s = await open();
		quotaOnPut('spans');
		await expect(s.spans.add([span('a', 't', 1)])).rejects.toMatchObject({ code: 'STORAGE_QUOTA' });
		quotaOnPut('settings');
		await expect(s.settings.set('k', 1)).rejects.toMatchObject({ code: 'STORAGE_QUOTA' });
		quotaOnPut('indexState');
		await expect(
			s.indexState.put({
				workspaceId: 'w',
				kind: 'bm25',
				analyzerFingerprint: 'f',
				params: {},
				snapshot: null,
				documentHashes: {},
				updatedAtMs: 0
			})
		).rejects.toMatchObject({ code: 'STORAGE_QUOTA' });
	});

	it('an AbortError whose cause or transaction error is QuotaExceededError maps to STORAGE_QUOTA', () => {
		const quota = new DOMException('full', 'QuotaExceededError');
		const abort = new DOMException('aborted', 'AbortError');

		expect(toStorageError(abort, 'op', quota).code).toBe('STORAGE_QUOTA');
		expect(toStorageError(Object.assign(new Error('aborted'), { name: 'AbortError', cause: quota }), 'op').code).toBe('STORAGE_QUOTA');
		expect(toStorageError(abort, 'op', null).code).toBe('STORAGE_FAILED');
	});

	it('other DOMExceptions map to STORAGE_FAILED with the original as cause and AssayErrors pass through', () => {
		const clone = new DOMException('function could not be cloned', 'DataCloneError');
		const mapped = toStorageError(clone, 'documents.save');
		const notFound = new AssayError('NOT_FOUND', 'gone');

		expect(mapped).toMatchObject({ code: 'STORAGE_FAILED', details: { operation: 'documents.save' } });
		expect(mapped.message).toContain('DataCloneError');
		expect(mapped.cause).toBe(clone);
		expect(toStorageError(notFound, 'x')).toBe(notFound);
	});
});

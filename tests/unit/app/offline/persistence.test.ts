import { describe, expect, it } from 'vitest';
import {
	AUTO_PERSIST_KEY,
	PersistAfterDownload,
	type MemoLike,
	type PersistOutcome,
	type StorageManagerLike
} from '../../../../src/lib/app/offline/persistence.ts';

class FakeStorage implements StorageManagerLike {
	calls = 0;
	constructor(
		private state: boolean,
		private readonly grant: boolean | Error
	) {}
	async persisted(): Promise<boolean> {
		return this.state;
	}
	async persist(): Promise<boolean> {
		this.calls++;
		if (this.grant instanceof Error) throw this.grant;
		this.state = this.grant;
		return this.grant;
	}
}

function memo(): MemoLike & { data: Map<string, string> } {
	const data = new Map<string, string>();
	return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

function setup(storage: StorageManagerLike | undefined, m: MemoLike | null = memo()) {
	const told: PersistOutcome[] = [];
	return {
		asker: new PersistAfterDownload(
			() => storage,
			m,
			(o) => told.push(o)
		),
		told
	};
}

describe('PersistAfterDownload', () => {
	it('asks the browser once after the first download, however many downloads follow', async () => {
		const storage = new FakeStorage(false, true);
		const { asker, told } = setup(storage);
		const results = await Promise.all([asker.afterModelDownload(), asker.afterModelDownload()]);
		expect(await asker.afterModelDownload()).toBeNull();
		expect(results).toEqual(['granted', null]);
		expect(storage.calls).toBe(1);
		expect(told).toEqual(['granted']);
	});

	it('does not ask again on a later visit once asked, whatever the answer was', async () => {
		const m = memo();
		const storage = new FakeStorage(false, false);
		expect(await setup(storage, m).asker.afterModelDownload()).toBe('declined');
		expect(m.data.get(AUTO_PERSIST_KEY)).toBe('declined');
		const later = setup(storage, m);
		expect(await later.asker.afterModelDownload()).toBeNull();
		expect(storage.calls).toBe(1);
		expect(later.told).toEqual([]);
	});

	it('does not ask when the data already persists', async () => {
		const storage = new FakeStorage(true, true);
		const { asker, told } = setup(storage);
		expect(await asker.afterModelDownload()).toBe('already');
		expect(storage.calls).toBe(0);
		expect(told).toEqual(['already']);
	});

	it('reports a browser without the API as unsupported and a failing request as declined', async () => {
		expect(await setup(undefined).asker.afterModelDownload()).toBe('unsupported');
		expect(await setup({}).asker.afterModelDownload()).toBe('unsupported');
		expect(await setup(new FakeStorage(false, new Error('SecurityError'))).asker.afterModelDownload()).toBe('declined');
	});

	it('asks once per visit when there is no localStorage', async () => {
		const storage = new FakeStorage(false, true);
		const { asker } = setup(storage, null);
		expect(await asker.afterModelDownload()).toBe('granted');
		expect(await asker.afterModelDownload()).toBeNull();
		expect(storage.calls).toBe(1);
	});
});

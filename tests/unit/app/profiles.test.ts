import { describe, expect, it } from 'vitest';
import { loadProfiles, loadRoles, PROFILES_KEY, saveRoles, serialiseProfiles, uniqueName } from '../../../src/lib/app/profiles/profiles.ts';
import { ProfileStore } from '../../../src/lib/app/profiles/profiles.svelte.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import { memoryStorage } from '../../support/memory-storage.ts';

const endpoint = (model: string, extra: object = {}) => ({ ...DEFAULT_ENDPOINT, model, ...extra });

describe('endpoint profiles', () => {
	it('a first run migrates the earlier answering and judge endpoints into two named profiles, without an unkept key', () => {
		const storage = memoryStorage({
			'assay.llmEndpoint': JSON.stringify({ baseUrl: 'http://127.0.0.1:9/v1', model: 'qwen', storeKey: false }),
			'assay.judgeEndpoint': JSON.stringify({ baseUrl: 'http://127.0.0.1:7/v1', model: 'judge', storeKey: true, apiKey: 'k' })
		});
		const profiles = loadProfiles(storage);
		expect(profiles.map((p) => [p.id, p.name, p.endpoint.model, p.endpoint.apiKey])).toEqual([
			['p-answer', 'Answering endpoint', 'qwen', ''],
			['p-judge', 'Judge endpoint', 'judge', 'k']
		]);
	});

	it('keys are stored only for profiles that keep them', () => {
		const text = serialiseProfiles([
			{ id: 'a', name: 'A', endpoint: endpoint('m', { apiKey: 'secret-a', storeKey: false }) },
			{ id: 'b', name: 'B', endpoint: endpoint('m', { apiKey: 'secret-b', storeKey: true }) }
		]);
		expect(text).not.toContain('secret-a');
		expect(text).toContain('secret-b');
		const back = loadProfiles(memoryStorage({ [PROFILES_KEY]: text }));
		expect(back.map((p) => p.endpoint.apiKey)).toEqual(['', 'secret-b']);
	});

	it('unreadable stored profiles are dropped one by one and duplicate names made unique', () => {
		const text = JSON.stringify({
			profiles: [{ id: 'x', name: 'Lab' }, 42, { id: 'y' }, { id: 'z', name: 'lab', idleTimeoutMs: 'soon' }, { id: 'x', name: 'again' }]
		});
		const profiles = loadProfiles(memoryStorage({ [PROFILES_KEY]: text }));
		expect(profiles.map((p) => [p.id, p.name, p.endpoint.idleTimeoutMs])).toEqual([
			['x', 'Lab', 300_000],
			['z', 'lab (2)', 300_000]
		]);
		expect(loadProfiles(memoryStorage({ [PROFILES_KEY]: '{not json' })).map((p) => p.name)).toEqual(['Answering endpoint']);
	});

	it('uniqueName appends the first free number, case-insensitively', () => {
		expect(uniqueName('vLLM', [])).toBe('vLLM');
		expect(uniqueName('vLLM', ['vllm', 'VLLM (2)'])).toBe('vLLM (3)');
	});

	it('role choices are remembered per workspace, fall back to the last choice anywhere, and survive a deleted profile', () => {
		const profiles = [
			{ id: 'a', name: 'A', endpoint: endpoint('1') },
			{ id: 'b', name: 'B', endpoint: endpoint('2') }
		];
		const storage = memoryStorage();
		expect(loadRoles(storage, 'w1', profiles)).toEqual({
			answer: { engine: 'endpoint', profileId: 'a' },
			judge: { engine: 'endpoint', profileId: 'b' }
		});
		saveRoles(storage, 'w1', { answer: { engine: 'webllm', profileId: 'b' }, judge: { engine: 'endpoint', profileId: 'a' } });
		expect(loadRoles(storage, 'w1', profiles).answer).toEqual({ engine: 'webllm', profileId: 'b' });
		expect(loadRoles(storage, 'w2', profiles).answer).toEqual({ engine: 'webllm', profileId: 'b' });
		expect(loadRoles(storage, 'w1', [profiles[0]!]).answer).toEqual({ engine: 'webllm', profileId: 'a' });
	});
});

describe('the profile store', () => {
	it('settings typed for one role are the ones every page using that profile reads, and a new profile copies without the key', () => {
		const store = new ProfileStore(memoryStorage());
		store.endpointFor('answer').model = 'qwen3';
		store.endpointFor('answer').apiKey = 'typed-once';
		store.pick('judge', store.profileFor('answer').id);
		expect(store.endpointFor('judge')).toMatchObject({ model: 'qwen3', apiKey: 'typed-once' });
		const copy = store.add('Copy', store.profileFor('answer'));
		expect(copy.endpoint).toMatchObject({ model: 'qwen3', apiKey: '' });
		expect(store.add('copy').name).toBe('copy (2)');
	});

	it('picking follows the workspace, and an unknown profile id is CONFIG_INVALID', () => {
		const storage = memoryStorage();
		const store = new ProfileStore(storage);
		store.useWorkspace('w1');
		store.setEngine('judge', 'webllm');
		store.useWorkspace('w2');
		store.setEngine('judge', 'endpoint');
		store.useWorkspace('w1');
		expect(store.engineOf('judge')).toBe('webllm');
		expect(() => store.pick('answer', 'nope')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
	});

	it('removing a profile moves its roles to the first one, and the last profile stays', () => {
		const store = new ProfileStore(memoryStorage());
		const [, judge] = store.profiles;
		store.remove(judge!.id);
		expect(store.profileFor('judge').id).toBe(store.profiles[0]!.id);
		store.remove(store.profiles[0]!.id);
		expect(store.profiles).toHaveLength(1);
	});
});

import { describe, expect, it } from 'vitest';
import {
	buildAskRouting,
	DEFAULT_ASK_ROUTING,
	loadAskRouting,
	readRouter,
	routeLabel,
	saveAskRouting
} from '../../../src/lib/app/ask-routing.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import type { EndpointProfile } from '../../../src/lib/app/profiles/profiles.ts';

function memoryStorage(): Storage {
	const m = new Map<string, string>();
	return {
		get length() {
			return m.size;
		},
		clear: () => m.clear(),
		getItem: (k) => m.get(k) ?? null,
		key: (i) => [...m.keys()][i] ?? null,
		removeItem: (k) => void m.delete(k),
		setItem: (k, v) => void m.set(k, v)
	};
}

const profile = (id: string, model: string): EndpointProfile => ({ id, name: id, endpoint: { ...DEFAULT_ENDPOINT, model } });
const profiles = [profile('p-1', 'small-1b'), profile('p-2', 'large-70b'), profile('p-3', '')];

describe('Ask page live routing settings', () => {
	it('keeps the setting per workspace and reads anything malformed as off with the starter router', () => {
		const s = memoryStorage();
		const on = { ...DEFAULT_ASK_ROUTING, enabled: true, cheapProfileId: 'p-1', strongProfileId: 'p-2' };
		saveAskRouting(s, 'w1', on);
		expect(loadAskRouting(s, 'w1')).toEqual(on);
		expect(loadAskRouting(s, 'w2')).toEqual(DEFAULT_ASK_ROUTING);
		s.setItem('assay.askRouting.w3', '{"enabled": "yes", "routerText": 5}');
		expect(loadAskRouting(s, 'w3')).toEqual({ ...DEFAULT_ASK_ROUTING, enabled: false });
		expect(readRouter(DEFAULT_ASK_ROUTING.routerText).router).toMatchObject({ kind: 'rules', id: 'hard-to-strong' });
	});

	it('says why a router spec does not parse', () => {
		expect(readRouter('{').error).toMatch(/^Router spec is not JSON/);
		expect(readRouter('{"schema":"assay.router/v1","kind":"rules","id":"r","version":1,"rules":[]}').error).toMatch(
			/^Router spec: default/
		);
	});

	it('builds one chat model per route from two different, complete profiles', () => {
		const routing = buildAskRouting({ ...DEFAULT_ASK_ROUTING, enabled: true, cheapProfileId: 'p-1', strongProfileId: 'p-2' }, profiles);
		expect([routing.models.cheap.modelId, routing.models.strong.modelId]).toEqual(['small-1b', 'large-70b']);
		expect(routing.router.id).toBe('hard-to-strong');
	});

	it('refuses a missing profile, the same profile twice, an endpoint without a model and a bad router', () => {
		const base = { ...DEFAULT_ASK_ROUTING, enabled: true };
		expect(() => buildAskRouting({ ...base, cheapProfileId: '', strongProfileId: 'p-2' }, profiles)).toThrow(/profile of the cheap model/);
		expect(() => buildAskRouting({ ...base, cheapProfileId: 'p-1', strongProfileId: 'p-1' }, profiles)).toThrow(/two different profiles/);
		expect(() => buildAskRouting({ ...base, cheapProfileId: 'p-1', strongProfileId: 'p-3' }, profiles)).toThrow(/model/i);
		expect(() => buildAskRouting({ ...base, routerText: '[]', cheapProfileId: 'p-1', strongProfileId: 'p-2' }, profiles)).toThrow(
			/Router spec/
		);
	});

	it('labels a routed answer with the route, model, reason and router', () => {
		expect(routeLabel({ route: 'strong', modelId: 'large-70b', reason: 'rule 1: keyword why', router: 'hard-to-strong@1' })).toBe(
			'Routed to strong (large-70b) · rule 1: keyword why · router hard-to-strong@1'
		);
	});
});

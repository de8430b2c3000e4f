import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadStaticCorpus } from '../../../src/lib/app/demo.ts';

afterEach(() => vi.unstubAllGlobals());

describe('demo corpus fetch', () => {
	it('retries a file the server answers 503 for, like every HTTP call Assay makes', async () => {
		const seen: string[] = [];
		let manifestCalls = 0;
		vi.stubGlobal('fetch', (url: string) => {
			seen.push(url);
			if (url.endsWith('manifest.json')) {
				manifestCalls++;
				if (manifestCalls === 1) return Promise.resolve(new Response('deploying', { status: 503, headers: { 'retry-after': '0' } }));
				return Promise.resolve(new Response(JSON.stringify({ name: 'Tiny', files: [{ path: 'a.md', mediaType: 'text/markdown' }] })));
			}
			return Promise.resolve(new Response('# A'));
		});
		const corpus = await loadStaticCorpus('demo');
		expect(manifestCalls).toBe(2);
		expect(corpus.name).toBe('Tiny');
		expect(corpus.files.map((f) => f.name)).toEqual(['a.md']);
	});
});

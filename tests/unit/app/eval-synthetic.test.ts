import { describe, expect, it } from 'vitest';
import { SyntheticDesk, type SyntheticHost } from '../../../src/lib/app/eval-synthetic.svelte.ts';
import type { AppCore } from '../../../src/lib/app/app-core.svelte.ts';
import { Jobs } from '../../../src/lib/app/shell/jobs.svelte.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import { ScriptedChatModel } from '../../../src/lib/generation/scripted.ts';
import type { GoldenCase, GoldenSetRecord } from '../../../src/lib/evals/golden/types.ts';

const DOCS = [
	{ id: 'd1', name: 'leave.md', relativePath: 'hr/leave.md', status: 'ready', chunkCount: 1, text: 'Employees get 26 days of leave.' },
	{ id: 'd2', name: 'scan.pdf', relativePath: 'scan.pdf', status: 'needs-ocr', chunkCount: 0, text: '' }
];

/** An in-memory workspace with one golden set, the in-browser engine holding `model`, and jobs. */
function fakeApp(model: ScriptedChatModel, jobs: Jobs) {
	let stored: GoldenSetRecord = { id: 'gs', workspaceId: 'w', name: 'Set', format: 'manual', createdAtMs: 0, updatedAtMs: 0, cases: [] };
	const api = {
		listDocuments: async () => DOCS,
		documentView: async (id: string) => {
			const d = DOCS.find((x) => x.id === id)!;
			return {
				document: d,
				text: d.text,
				chunks: [{ id: `${id}#0`, ordinal: 0, startOffset: 0, endOffset: d.text.length, headingPath: [] }]
			};
		},
		listGoldenSets: async () => [stored],
		saveGoldenSet: async (_w: string, _id: string, _name: string, cases: GoldenCase[], _f: unknown, synthetic: GoldenCase[]) => {
			// A save takes a while: a second change started meanwhile must wait for it, not read the old set.
			await new Promise((r) => setTimeout(r, 0));
			stored = { ...stored, cases, synthetic };
			return stored;
		}
	};
	const app = {
		api,
		llm: { loaded: model },
		profiles: { engineOf: () => 'webllm', endpointFor: () => ({ ...DEFAULT_ENDPOINT }) },
		jobs
	} as unknown as AppCore;
	const host: SyntheticHost = {
		workspaceId: 'w',
		get goldenSet() {
			return stored;
		},
		reloadGoldenSets: async () => {},
		error: null,
		notice: null
	};
	return { app, host, stored: () => stored };
}

describe('the synthetic cases desk', () => {
	it('generates into the review queue with the in-browser model, then keeps two quick reviews of different cases', async () => {
		let n = 0;
		const model = new ScriptedChatModel('webllm-model', () => ({
			tokens: [JSON.stringify({ question: `Question number ${++n} about leave?`, answer: '26 days.' })]
		}));
		const jobs = new Jobs(() => 0);
		const { app, host, stored } = fakeApp(model, jobs);
		const desk = new SyntheticDesk(app, host, () => Date.UTC(2026, 0, 1));
		desk.count = 2;
		desk.multiShare = 0;
		await desk.generate();
		expect(host.error).toBeNull();
		expect(host.notice).toBe('Generated 2 synthetic case(s) for review.');
		expect(desk.pending.map((c) => [c.id, c.relevant[0]?.doc, c.source?.kind === 'synthetic' && c.source.generatedAt])).toEqual([
			['syn-1', 'hr/leave.md', '2026-01-01T00:00:00.000Z'],
			['syn-2', 'hr/leave.md', '2026-01-01T00:00:00.000Z']
		]);
		expect(jobs.items.map((j) => [j.kind, j.status, j.done, j.total])).toEqual([['synthetic', 'done', 2, 2]]);
		await Promise.all([desk.accept('syn-1'), desk.reject('syn-2')]);
		expect(stored().cases.map((c) => c.id)).toEqual(['syn-1']);
		expect(stored().synthetic?.map((c) => (c.source?.kind === 'synthetic' ? c.source.review : null))).toEqual(['rejected']);
		expect(desk.pending).toEqual([]);
	});

	it('says so when the in-browser model is not loaded, and its job fails without asking anything', async () => {
		const jobs = new Jobs(() => 0);
		const { app, host } = fakeApp(new ScriptedChatModel('m', { tokens: [] }), jobs);
		(app as unknown as { llm: { loaded: null } }).llm.loaded = null;
		const desk = new SyntheticDesk(app, host, () => 0);
		await desk.generate();
		expect(host.error).toMatch(/Load an in-browser model first/);
		expect(jobs.items.map((j) => j.status)).toEqual(['failed']);
	});
});

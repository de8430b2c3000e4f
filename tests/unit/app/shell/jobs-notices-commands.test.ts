import { describe, expect, it, vi } from 'vitest';
import { Jobs, KEPT_ENDED_JOBS } from '../../../../src/lib/app/shell/jobs.svelte.ts';
import { Notices, KEPT_NOTICES } from '../../../../src/lib/app/shell/notices.svelte.ts';
import { CommandRegistry } from '../../../../src/lib/app/shell/commands.svelte.ts';

const ticking = () => {
	let t = 1000;
	return () => (t += 10);
};

describe('the jobs list', () => {
	it('a job reports progress and ends once; updates after its end are ignored', () => {
		const jobs = new Jobs(ticking());
		const h = jobs.start({ kind: 'import', label: 'Import of 3 file(s)', route: '/', workspaceId: 'w', total: 3 });
		h.progress(2, undefined, 'a.md');
		h.finish('done', '3 added');
		h.progress(3);
		h.finish('failed');
		expect(jobs.items).toEqual([
			expect.objectContaining({ status: 'done', done: 2, total: 3, detail: '3 added', startedAtMs: 1010, endedAtMs: 1020 })
		]);
		expect(jobs.running).toEqual([]);
	});

	it('cancel reaches the owner only while the job runs', () => {
		const jobs = new Jobs(ticking());
		const cancel = vi.fn();
		const h = jobs.start({ kind: 'experiment', label: 'x', route: '/evals/', cancel });
		expect(jobs.cancellable(h.id)).toBe(true);
		jobs.cancel(h.id);
		h.finish('cancelled');
		jobs.cancel(h.id);
		expect(cancel).toHaveBeenCalledTimes(1);
		expect(jobs.cancellable(h.id)).toBe(false);
	});

	it('keeps every running job and only the newest ended ones', () => {
		const jobs = new Jobs(ticking());
		const running = jobs.start({ kind: 'embed', label: 'r', route: '/' });
		for (let i = 0; i < KEPT_ENDED_JOBS + 3; i++) jobs.start({ kind: 'import', label: `j${i}`, route: '/' }).finish('done');
		expect(jobs.items.filter((j) => j.status !== 'running')).toHaveLength(KEPT_ENDED_JOBS);
		expect(jobs.items[0]!.id).toBe(running.id);
		expect(jobs.items.at(-1)!.label).toBe(`j${KEPT_ENDED_JOBS + 2}`);
		jobs.clearEnded();
		expect(jobs.items.map((j) => j.id)).toEqual([running.id]);
	});
});

describe('the notices channel', () => {
	it('keeps notices in order, drops an immediate repeat, and clears by source', () => {
		const notices = new Notices(ticking());
		const a = notices.push('error', 'boom', 'ask');
		expect(notices.push('error', 'boom', 'ask')).toBe(a);
		notices.push('info', 'saved', 'library');
		expect(notices.items.map((n) => [n.kind, n.message, n.source, n.atMs])).toEqual([
			['error', 'boom', 'ask', 1010],
			['info', 'saved', 'library', 1020]
		]);
		notices.clear('ask');
		notices.dismiss(notices.items[0]!.id);
		expect(notices.items).toEqual([]);
	});

	it(`keeps the newest ${KEPT_NOTICES}`, () => {
		const notices = new Notices(ticking());
		for (let i = 0; i < KEPT_NOTICES + 5; i++) notices.push('info', `n${i}`);
		expect(notices.items).toHaveLength(KEPT_NOTICES);
		expect(notices.items[0]!.message).toBe('n5');
	});
});

describe('the command registry', () => {
	it('lists commands by group, replaces by id, unregisters exactly its own and runs only enabled ones', async () => {
		const registry = new CommandRegistry();
		const ran: string[] = [];
		const off = registry.register([
			{ id: 'act', label: 'Act', group: 'Actions', run: () => void ran.push('act') },
			{ id: 'off', label: 'Off', group: 'Actions', enabled: () => false, run: () => void ran.push('off') }
		]);
		registry.register([{ id: 'go', label: 'Go', group: 'Go to', run: () => void ran.push('go') }]);
		expect(registry.all.map((c) => c.id)).toEqual(['go', 'act', 'off']);
		expect(await registry.run('off')).toBe(false);
		expect(await registry.run('act')).toBe(true);
		expect(await registry.run('missing')).toBe(false);
		off();
		expect(registry.all.map((c) => c.id)).toEqual(['go']);
		expect(ran).toEqual(['act']);
	});
});

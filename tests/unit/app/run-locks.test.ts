import { describe, expect, it } from 'vitest';
import { runActivity } from '../../../src/lib/app/run-locks.ts';

describe('runActivity', () => {
	const run = (status: 'running' | 'complete' | 'cancelled') => ({ id: 'r1', status });

	it('shows a run this tab is answering as running, not interrupted, even before any lock query', () => {
		expect(runActivity(run('running'), { ownRunId: 'r1', held: [] })).toBe('running');
	});

	it('shows a run whose lock another tab holds as running in another tab', () => {
		expect(runActivity(run('running'), { ownRunId: null, held: ['r1'] })).toBe('running in another tab');
		expect(runActivity(run('running'), { ownRunId: 'r2', held: ['r2', 'r1'] })).toBe('running in another tab');
	});

	it('shows a stored running run with no live job anywhere as interrupted', () => {
		expect(runActivity(run('running'), { ownRunId: 'r2', held: ['r2'] })).toBe('interrupted');
	});

	it('shows finished runs with their stored status', () => {
		expect(runActivity(run('complete'), { ownRunId: null, held: [] })).toBe('complete');
		expect(runActivity(run('cancelled'), { ownRunId: null, held: [] })).toBe('cancelled');
	});
});

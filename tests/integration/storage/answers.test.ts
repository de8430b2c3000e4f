import { describe, expect, it } from 'vitest';
import { openTestStore, workspace } from './fixtures.ts';

const run = (id: string, workspaceId = 'w1') => ({ id, workspaceId, status: 'running' });
const answer = (runId: string, caseId: string, text = `answer ${caseId}`) => ({ runId, caseId, text });

describe('answers store', () => {
	it('lists a run’s answers in case-id order and replaces an answer stored twice', async () => {
		const { store } = await openTestStore();
		await store.answerRuns.put(run('r1'));
		await store.answers.put(answer('r1', 'q2'));
		await store.answers.put(answer('r1', 'q1'));
		await store.answers.put(answer('r2', 'q1'));
		await store.answers.put(answer('r1', 'q2', 'graded'));
		const listed = await store.answers.listByRun<{ runId: string; caseId: string; text: string }>('r1');
		expect(listed.map((a) => [a.caseId, a.text])).toEqual([
			['q1', 'answer q1'],
			['q2', 'graded']
		]);
	});

	it('deletes a run with all its answers and leaves other runs alone', async () => {
		const { store } = await openTestStore();
		await store.answers.putRun(run('r1'), [answer('r1', 'q1'), answer('r1', 'q2')]);
		await store.answers.putRun(run('r2'), [answer('r2', 'q1')]);
		await store.answers.deleteRun('r1');
		expect(await store.answerRuns.get('r1')).toBeUndefined();
		expect(await store.answers.listByRun('r1')).toEqual([]);
		expect(await store.answers.listByRun('r2')).toHaveLength(1);
		await expect(store.answers.deleteRun('r1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it('deletes the answers of a run’s repeats (sibling run ids) with the run, and with its workspace', async () => {
		const { store } = await openTestStore();
		await store.workspaces.put(workspace('w1'));
		await store.answers.putRun(run('r1'), [answer('r1', 'q1'), answer('r1~r1', 'q1'), answer('r1~r2', 'q1')]);
		await store.answers.putRun(run('r10'), [answer('r10', 'q1')]);
		await store.answers.putRun(run('r2'), [answer('r2', 'q1'), answer('r2~r1', 'q1')]);
		await store.answers.deleteRun('r1');
		expect(await store.answers.listByRun('r1~r1')).toEqual([]);
		expect(await store.answers.listByRun('r1~r2')).toEqual([]);
		expect(await store.answers.listByRun('r10')).toHaveLength(1);
		await store.workspaces.delete('w1');
		expect(await store.answers.listByRun('r2~r1')).toEqual([]);
	});

	it('deletes a workspace’s answer runs and answers with the workspace', async () => {
		const { store } = await openTestStore();
		await store.workspaces.put(workspace('w1'));
		await store.workspaces.put(workspace('w2'));
		await store.answers.putRun(run('r1', 'w1'), [answer('r1', 'q1')]);
		await store.answers.putRun(run('r2', 'w2'), [answer('r2', 'q1')]);
		await store.workspaces.delete('w1');
		expect(await store.answerRuns.listByWorkspace('w1')).toEqual([]);
		expect(await store.answers.listByRun('r1')).toEqual([]);
		expect(await store.answers.listByRun('r2')).toHaveLength(1);
	});
});

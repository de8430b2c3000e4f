import { describe, expect, it } from 'vitest';
import { allowListPolicy, denyAllPolicy, ManualApprovals } from '../../../src/lib/agents/approval.ts';
import type { ApprovalRequest, ToolDefinition } from '../../../src/lib/agents/types.ts';

const tool = (name: string): ToolDefinition => ({
	name,
	description: 'test tool',
	inputSchema: { type: 'object' },
	version: 'v1',
	effect: 'side-effecting',
	source: { kind: 'builtin' }
});

const request = (name: string, callId = 'call_1'): ApprovalRequest => ({ callId, tool: tool(name), arguments: { id: 7 }, step: 1 });

const live = () => new AbortController().signal;

describe('headless approval policies', () => {
	it('denies every side-effecting call by default and says which policy decided', async () => {
		const decision = await denyAllPolicy().decide(request('delete_order'), live());
		expect(decision).toEqual({
			decision: 'deny',
			by: 'policy:deny',
			note: 'delete_order is side-effecting and this run approves none (headless policy "deny").'
		});
	});

	it('approves only the tools on the allow-list', async () => {
		const policy = allowListPolicy(['orders__refund']);
		expect(await policy.decide(request('orders__refund'), live())).toEqual({ decision: 'approve', by: 'policy:allow-list' });
		expect((await policy.decide(request('orders__delete'), live())).decision).toBe('deny');
	});

	it('refuses an allow-list with an empty name', () => {
		expect(() => allowListPolicy(['ok', ' '])).toThrow(TypeError);
	});
});

describe('manual approvals', () => {
	it('parks a request until a person approves it, then forgets it', async () => {
		let changes = 0;
		const approvals = new ManualApprovals(
			'ana',
			() => changes++,
			() => 1000
		);
		const decided = approvals.decide(request('delete_order'), live());
		expect(approvals.pending()).toEqual([{ request: request('delete_order'), askedAtMs: 1000 }]);
		expect(approvals.approve('call_1', 'looks right')).toBe(true);
		expect(await decided).toEqual({ decision: 'approve', by: 'ana', note: 'looks right' });
		expect(approvals.pending()).toEqual([]);
		expect(changes).toBe(2);
	});

	it('returns edited arguments and denials with who decided', async () => {
		const approvals = new ManualApprovals('ana');
		const edited = approvals.decide(request('send_mail', 'a'), live());
		const denied = approvals.decide(request('send_mail', 'b'), live());
		approvals.edit('a', { to: 'me@example.org' });
		approvals.deny('b', 'not this one');
		expect(await edited).toEqual({ decision: 'edit', arguments: { to: 'me@example.org' }, by: 'ana' });
		expect(await denied).toEqual({ decision: 'deny', by: 'ana', note: 'not this one' });
	});

	it('answers false for a call that is not waiting, and decides a call only once', async () => {
		const approvals = new ManualApprovals();
		expect(approvals.approve('nope')).toBe(false);
		const decided = approvals.decide(request('x'), live());
		expect(approvals.deny('call_1')).toBe(true);
		expect(approvals.approve('call_1')).toBe(false);
		expect((await decided).decision).toBe('deny');
	});

	it('settles a waiting request as a denial when the run is cancelled', async () => {
		const approvals = new ManualApprovals();
		const run = new AbortController();
		const decided = approvals.decide(request('x'), run.signal);
		run.abort();
		expect(await decided).toEqual({ decision: 'deny', by: 'system:cancelled', note: 'The run was cancelled.' });
		expect(approvals.pending()).toEqual([]);
		const already = await approvals.decide(request('y'), run.signal);
		expect(already.by).toBe('system:cancelled');
	});
});

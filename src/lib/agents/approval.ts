import type { ApprovalDecision, ApprovalPort, ApprovalRequest } from './types.ts';

/**
 * Approval policies for side-effecting tool calls. Headless runs (`assay eval`, the injection
 * suite) take a policy; the page uses {@link ManualApprovals}, where a person decides. No
 * policy executes silently: every decision names who made it (`by`), and the loop logs it on
 * the call's `execute_tool` span.
 */

/** The default headless policy: every side-effecting call is denied (`by: "policy:deny"`). */
export function denyAllPolicy(): ApprovalPort {
	return {
		decide: async (request) => ({
			decision: 'deny',
			by: 'policy:deny',
			note: `${request.tool.name} is side-effecting and this run approves none (headless policy "deny").`
		})
	};
}

/**
 * Approve calls to the named tools, deny all others (`by: "policy:allow-list"`). Names are
 * matched exactly (MCP tools by their prefixed name, e.g. `orders__delete_order`).
 * @throws TypeError when a name is empty.
 */
export function allowListPolicy(names: readonly string[]): ApprovalPort {
	if (names.some((n) => n.trim() === '')) throw new TypeError('allowListPolicy: tool names must not be empty.');
	const allowed = new Set(names);
	return {
		decide: async (request) =>
			allowed.has(request.tool.name)
				? { decision: 'approve', by: 'policy:allow-list' }
				: {
						decision: 'deny',
						by: 'policy:allow-list',
						note: `${request.tool.name} is side-effecting and not on this run's allow-list.`
					}
	};
}

/** A request waiting for a person, as the page lists it. */
export interface PendingApproval {
	readonly request: ApprovalRequest;
	/** Epoch ms when it was asked (from the injected clock). */
	readonly askedAtMs: number;
}

/**
 * Approvals decided by a person: `decide` parks the request until `approve`, `edit` or `deny` is
 * called with its `callId` (the page's buttons), or until the run's signal aborts (settled as a
 * deny by `system:cancelled`). Pure state, no UI: the page wraps it and re-reads `pending()` on
 * `onChange`.
 */
export class ManualApprovals implements ApprovalPort {
	private readonly waiting = new Map<string, { pending: PendingApproval; settle: (d: ApprovalDecision) => void }>();

	/**
	 * @param by who decides, recorded on every decision (e.g. `user`, or the person's name)
	 * @param onChange called after a request is added or settled
	 * @param clock epoch ms, injected for tests
	 */
	constructor(
		private readonly by = 'user',
		private readonly onChange: () => void = () => {},
		private readonly clock: () => number = () => Date.now()
	) {}

	decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision> {
		return new Promise((resolve) => {
			if (signal.aborted) return resolve({ decision: 'deny', by: 'system:cancelled', note: 'The run was cancelled.' });
			const settle = (decision: ApprovalDecision) => {
				if (!this.waiting.delete(request.callId)) return;
				signal.removeEventListener('abort', onAbort);
				resolve(decision);
				this.onChange();
			};
			const onAbort = () => settle({ decision: 'deny', by: 'system:cancelled', note: 'The run was cancelled.' });
			signal.addEventListener('abort', onAbort, { once: true });
			this.waiting.set(request.callId, { pending: { request, askedAtMs: this.clock() }, settle });
			this.onChange();
		});
	}

	/** Requests waiting for a decision, oldest first. */
	pending(): PendingApproval[] {
		return [...this.waiting.values()].map((w) => w.pending);
	}

	/** Run the call as the model made it. @returns false when no such call is waiting. */
	approve(callId: string, note?: string): boolean {
		return this.settle(callId, { decision: 'approve', by: this.by, ...(note ? { note } : {}) });
	}

	/** Run the call with these arguments instead (the loop validates them again). @returns false when no such call is waiting. */
	edit(callId: string, args: Readonly<Record<string, unknown>>, note?: string): boolean {
		return this.settle(callId, { decision: 'edit', arguments: args, by: this.by, ...(note ? { note } : {}) });
	}

	/** Do not run the call; the model is told it was denied. @returns false when no such call is waiting. */
	deny(callId: string, note?: string): boolean {
		return this.settle(callId, { decision: 'deny', by: this.by, ...(note ? { note } : {}) });
	}

	private settle(callId: string, decision: ApprovalDecision): boolean {
		const waiting = this.waiting.get(callId);
		if (!waiting) return false;
		waiting.settle(decision);
		return true;
	}
}

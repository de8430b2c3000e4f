import { AssayError, type ErrorCode } from '../../../../src/lib/shared/errors.ts';
import type { GoldenCase } from '../../../../src/lib/evals/golden/types.ts';
import type { SystemCaseRequest, SystemOutput, SystemUnderTest } from '../../../../src/lib/evals/system/types.ts';

/** What the fake answers one (case, repeat): an output, or a thrown AssayError code; `ticks` = microtask turns before it settles. */
export interface Scripted {
	readonly output?: Partial<SystemOutput>;
	readonly error?: ErrorCode;
	readonly ticks?: number;
}

/**
 * A scripted SystemUnderTest: no timers — each request settles after `ticks` microtask turns,
 * advancing a virtual clock by `ticks` ms. Counts requests and the requests in flight (and their maximum).
 */
export class FakeSystem implements SystemUnderTest {
	readonly ref = {
		type: 'http' as const,
		label: 'fake app',
		details: { method: 'POST', url: 'http://127.0.0.1:1/ask', headerNames: ['authorization'] }
	};
	readonly cacheIdentity: unknown;
	requests: SystemCaseRequest[] = [];
	inFlight = 0;
	maxInFlight = 0;
	now = 0;
	readonly clock = () => this.now;

	constructor(
		private readonly script: (c: GoldenCase, repeat: number) => Scripted,
		identity: unknown = { url: 'http://127.0.0.1:1/ask', body: { q: '{{query}}' } }
	) {
		this.cacheIdentity = identity;
	}

	async answer(request: SystemCaseRequest): Promise<SystemOutput> {
		this.requests.push(request);
		this.inFlight++;
		this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
		const s = this.script(request.case, request.repeat);
		try {
			for (let i = 0; i < (s.ticks ?? 1); i++) await Promise.resolve();
			this.now += s.ticks ?? 1;
			if (s.error) throw new AssayError(s.error, `scripted ${s.error} for ${request.case.id}`);
			return { answer: `answer to ${request.case.id}`, contexts: [], timings: { totalMs: s.ticks ?? 1, ttftMs: null }, ...s.output };
		} finally {
			this.inFlight--;
		}
	}
}

/** n golden cases `c1…cn`, case i judged relevant: document `d<i>`. */
export function goldenCases(n: number): GoldenCase[] {
	return Array.from({ length: n }, (_, i) => ({
		id: `c${i + 1}`,
		query: `question ${i + 1}`,
		relevant: [{ doc: `d${i + 1}`, grade: 1 }],
		reference: `reference ${i + 1}`,
		tags: []
	}));
}

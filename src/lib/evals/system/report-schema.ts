import { z } from '../../shared/zod.ts';

/**
 * zod form of the optional top-level fields a system evaluation adds to an eval report (v2):
 * `system`, `cache`, `repeats`, `errors`, `incomplete`, `contextMatching`. Every one is optional (absent in older
 * reports and in reports of Assay's own runs). Imported by report/types.ts; their JSON Schema in
 * `schemas/eval-report.v2.schema.json` is generated from these (see tests/unit/evals/answers/schema-v2.ts).
 */

const int = z.number().int();
const num = z.number().finite();
const d = (description: string) => ({ description });

/** The system under test, secret-free (`SystemRef` in system/types.ts). */
export const SystemRefSchema = z
	.object({ type: z.enum(['assay', 'http', 'exec', 'file']), label: z.string(), details: z.record(z.string(), z.unknown()) })
	.meta(d('The system under test: type, label and a secret-free description (http: method, url, header names; never header values).'));

/** Response cache counters of the run. */
export const CacheCountsSchema = z
	.object({ hits: int.min(0), requests: int.min(0) })
	.meta(d('Response cache: hits = responses replayed from the cache, requests = requests actually sent (system and judge together).'));

const verdictSchema = z.enum(['pass', 'fail']).nullable();

/** Consistency over repeats (`RepeatsSummary` in system/consistency.ts). */
export const RepeatsSchema = z
	.object({
		n: int.min(1),
		flakyCaseIds: z.array(z.string()),
		perCase: z.array(
			z.object({
				caseId: z.string(),
				consistency: num.min(0).max(1).nullable(),
				flipped: z.boolean(),
				verdicts: z.array(verdictSchema).meta(d('Verdict per repeat (index = repeat); null = not graded, failed or not run.')),
				spread: z
					.record(z.string(), z.object({ n: int, min: num, max: num, stdev: num.nullable() }))
					.meta(d('Judge score spread by rubric over the repeats (stdev: sample, n − 1).'))
			})
		)
	})
	.meta(
		d(
			'Repeats: each case asked n times (seeded); consistency = share of repeats agreeing with the majority verdict; flaky = verdict flipped.'
		)
	);

/** Cases the system failed (recorded, counted, never scored). */
export const ErrorsSchema = z
	.object({ count: int.min(0), byCode: z.record(z.string(), int.min(0)) })
	.meta(d('Requests (case × repeat) the system failed, by error code; never scored.'));

/** Why a run stopped before every case was asked. */
export const IncompleteSchema = z
	.object({ reason: z.string(), code: z.string(), notRun: int.min(0) })
	.meta(d('Set when status is "incomplete": the system was unreachable; notRun = case × repeat requests never started.'));

/** How text-only contexts were matched to golden-set documents (`ContextMatchCounts` in system/contexts.ts). */
export const ContextMatchingSchema = z
	.object({ given: int.min(0), matched: int.min(0), unmatched: int.min(0), ambiguous: int.min(0) })
	.meta(
		d(
			'Contexts over every case × repeat: given = came with a documentRef; matched / unmatched = text-only contexts matched to a corpus document by text or left text only (judged only); ambiguous = matched where several documents qualified.'
		)
	);

/** The optional system fields, as one object shape to spread into the report schema. */
export const SYSTEM_REPORT_FIELDS = {
	system: SystemRefSchema.optional(),
	cache: CacheCountsSchema.optional(),
	repeats: RepeatsSchema.optional(),
	errors: ErrorsSchema.optional(),
	incomplete: IncompleteSchema.optional(),
	contextMatching: ContextMatchingSchema.optional()
};

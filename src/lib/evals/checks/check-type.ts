import { z } from '../../shared/zod.ts';
import type { SchemaValidator } from '../../generation/structured.ts';
import type { AttackSpec } from '../golden/types.ts';
import type { CheckOutcome, CheckSource } from './citation-checks.ts';

/** One answer to check: its text, the sources it was given (`[n]` → `sources` with that `n`) and, for an injection case, what its documents plant. */
export interface CheckInput {
	readonly answer: string;
	readonly sources: readonly CheckSource[];
	readonly attack?: AttackSpec;
}

/**
 * One check type, in its own file under `types/` and listed in `registry.ts` (the model is
 * promptfoo's assertion registry): the zod schema of its spec (a strict object with `id` and the
 * `type` literal) and how a spec becomes a check function.
 */
export interface CheckDefinition<S extends { readonly id: string; readonly type: string }> {
	readonly type: S['type'];
	readonly schema: z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;
	/**
	 * Build the check of `spec` once (compile regexes, validate limits) so a bad spec fails at
	 * configuration time. @throws AssayError `CONFIG_INVALID` for a spec it cannot run.
	 */
	compile(spec: S, validator: SchemaValidator): (input: CheckInput) => CheckOutcome;
}

/** zod form of a check id: 1–80 characters after trimming. */
export const checkId = z.string().trim().min(1).max(80);

/** The answer parsed as JSON, or the reason it is not JSON. */
export function parseJson(answer: string): { ok: true; value: unknown } | { ok: false; reason: string } {
	try {
		return { ok: true, value: JSON.parse(answer) };
	} catch (error) {
		return { ok: false, reason: `The answer is not JSON (${String(error)}).` };
	}
}

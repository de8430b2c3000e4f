/**
 * The check types Assay knows, in the order their schemas are tried and documented. A new check
 * is one file under `types/` (its spec type and {@link CheckDefinition}) plus its line in
 * {@link CHECK_DEFINITIONS} and in {@link CheckSpec}; nothing else lists check types.
 */
import type { CheckDefinition } from './check-type.ts';
import { bannedPhrasesCheck, type BannedPhrasesCheckSpec } from './types/banned-phrases.ts';
import { canaryAbsentCheck, type CanaryAbsentCheckSpec } from './types/canary-absent.ts';
import { citationsPresentCheck, type CitationsPresentCheckSpec } from './types/citations-present.ts';
import { citationsValidCheck, type CitationsValidCheckSpec } from './types/citations-valid.ts';
import { jsonSchemaCheck, type JsonSchemaCheckSpec } from './types/json-schema.ts';
import { lengthCheck, type LengthCheckSpec } from './types/length.ts';
import { mustContainCheck, type MustContainCheckSpec } from './types/must-contain.ts';
import { mustNotContainCheck, type MustNotContainCheckSpec } from './types/must-not-contain.ts';
import { noExfiltrationUrlCheck, type NoExfiltrationUrlCheckSpec } from './types/no-exfiltration-url.ts';
import { quotesVerbatimCheck, type QuotesVerbatimCheckSpec } from './types/quotes-verbatim.ts';
import { requiredFieldsCheck, type RequiredFieldsCheckSpec } from './types/required-fields.ts';

/**
 * Layer 1 of answer evaluation: deterministic checks in code. Each check passes or fails per
 * answer with a reason. Checks are data (JSON-serialisable) so a check suite can be saved with
 * an eval configuration.
 */
export type CheckSpec =
	| JsonSchemaCheckSpec
	| RequiredFieldsCheckSpec
	| MustContainCheckSpec
	| MustNotContainCheckSpec
	| BannedPhrasesCheckSpec
	| LengthCheckSpec
	| CitationsPresentCheckSpec
	| CitationsValidCheckSpec
	| QuotesVerbatimCheckSpec
	| CanaryAbsentCheckSpec
	| NoExfiltrationUrlCheckSpec;

/** Every check type's definition. */
export const CHECK_DEFINITIONS = [
	jsonSchemaCheck,
	requiredFieldsCheck,
	mustContainCheck,
	mustNotContainCheck,
	bannedPhrasesCheck,
	lengthCheck,
	citationsPresentCheck,
	citationsValidCheck,
	quotesVerbatimCheck,
	canaryAbsentCheck,
	noExfiltrationUrlCheck
] as const;

/** The definition of check type `type`, or undefined for a type no file defines. */
export function checkDefinition(type: string): CheckDefinition<CheckSpec> | undefined {
	return (CHECK_DEFINITIONS as readonly { readonly type: string }[]).find((d) => d.type === type) as CheckDefinition<CheckSpec> | undefined;
}

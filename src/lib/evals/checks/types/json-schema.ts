import { z } from '../../../shared/zod.ts';
import { checkId, parseJson, type CheckDefinition } from '../check-type.ts';

/** The answer is JSON valid against `schema` (JSON Schema, checked by the run's validator). */
export interface JsonSchemaCheckSpec {
	readonly id: string;
	readonly type: 'json-schema';
	readonly schema: object;
}

export const jsonSchemaCheck: CheckDefinition<JsonSchemaCheckSpec> = {
	type: 'json-schema',
	schema: z.object({ id: checkId, type: z.literal('json-schema'), schema: z.record(z.string(), z.unknown()) }).strict(),
	compile:
		(spec, validator) =>
		({ answer }) => {
			const parsed = parseJson(answer);
			if (!parsed.ok) return { pass: false, reason: parsed.reason };
			const errors = validator.validate(spec.schema, parsed.value);
			return errors.length === 0
				? { pass: true, reason: 'Valid against the schema.' }
				: { pass: false, reason: `Schema violations: ${errors.join('; ')}` };
		}
};

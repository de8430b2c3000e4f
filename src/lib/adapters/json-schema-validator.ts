import { Validator } from '@cfworker/json-schema';
import type { SchemaValidator } from '../generation/structured.ts';

/**
 * {@link SchemaValidator} over `@cfworker/json-schema` (draft 2020-12 by default). Chosen over
 * ajv for the browser because it interprets schemas without generating code: the site's CSP has
 * no `'unsafe-eval'`, which ajv's compiler needs. Not short-circuiting, so all errors are listed;
 * only leaf errors (not the "Property … does not match schema" wrappers) are reported.
 */
const WRAPPERS = new Set(['properties', 'items', 'prefixItems', 'allOf', 'patternProperties']);

export class CfworkerSchemaValidator implements SchemaValidator {
	validate(schema: object, value: unknown): string[] {
		const result = new Validator(schema as ConstructorParameters<typeof Validator>[0], '2020-12', false).validate(value);
		if (result.valid) return [];
		// Wrapper errors ("Property "x" does not match schema.") repeat what their leaf error says;
		// a `false` sub-schema error repeats its additionalProperties error.
		const leaves = result.errors.filter((e) => !(WRAPPERS.has(e.keyword) && / does not match /.test(e.error)) && e.keyword !== 'false');
		return (leaves.length > 0 ? leaves : result.errors).map((e) => `${e.instanceLocation.replace(/^#/, '') || '/'}: ${e.error}`);
	}
}

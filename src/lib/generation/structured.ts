import { AssayError, toErrorData, type AssayErrorData } from '../shared/errors.ts';
import type { ChatMessage, ChatRequest, FinishReason } from './types.ts';

/** JSON Schema validation port (an adapter wraps a maintained validator). */
export interface SchemaValidator {
	/** Errors of `value` against `schema` as readable strings (`/path: message`); empty when valid. */
	validate(schema: object, value: unknown): string[];
}

/** A validated object, or a typed error the UI shows (never a throw). `text` is the raw output. */
export type StructuredResult =
	| { readonly ok: true; readonly value: unknown; readonly text: string }
	| { readonly ok: false; readonly error: AssayErrorData; readonly text: string };

/** Example schema: a support-ticket classifier (category, urgency 1–5, summary). */
export const TICKET_SCHEMA = {
	type: 'object',
	properties: {
		category: { type: 'string', enum: ['billing', 'bug', 'account', 'feature-request', 'other'] },
		urgency: { type: 'integer', minimum: 1, maximum: 5 },
		summary: { type: 'string', maxLength: 200 }
	},
	required: ['category', 'urgency', 'summary'],
	additionalProperties: false
} as const;

/**
 * Parse the user's schema text.
 * @throws AssayError `CONFIG_INVALID` when it is not JSON or not a JSON object.
 */
export function parseSchemaText(text: string): object {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (cause) {
		throw new AssayError('CONFIG_INVALID', `Expected a JSON Schema as JSON; received text that does not parse (${String(cause)}).`, {
			cause
		});
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value))
		throw new AssayError('CONFIG_INVALID', `Expected a JSON Schema object; received ${Array.isArray(value) ? 'an array' : typeof value}.`);
	return value;
}

/**
 * The chat request for structured output: the schema goes both to constrained decoding
 * (`responseFormat.schema`, WebLLM's string form) and into the prompt (small models follow it better).
 */
export function structuredRequest(schema: object, input: string, maxTokens: number): ChatRequest {
	const messages: ChatMessage[] = [
		{
			role: 'system',
			content: `Reply with one JSON object only, no prose, that is valid against this JSON Schema:\n${JSON.stringify(schema)}`
		},
		{ role: 'user', content: input }
	];
	return { messages, maxTokens, temperature: 0, responseFormat: { type: 'json_object', schema: JSON.stringify(schema) } };
}

/**
 * Turn raw model output into a validated object. Order of checks: cut by the token limit
 * (`finishReason: 'length'` → `LLM_OUTPUT_TRUNCATED`), then JSON syntax, then the schema
 * (both → `LLM_OUTPUT_INVALID`, with `details.errors`). A ```json fence around the object is tolerated.
 */
export function parseStructuredOutput(
	text: string,
	finishReason: FinishReason,
	schema: object,
	validator: SchemaValidator
): StructuredResult {
	const fail = (e: AssayError): StructuredResult => ({ ok: false, error: toErrorData(e), text });
	if (finishReason === 'length')
		return fail(
			new AssayError(
				'LLM_OUTPUT_TRUNCATED',
				'The output was cut off by the token limit before the JSON object was complete. Raise max tokens or shorten the schema.'
			)
		);
	if (finishReason === 'abort')
		return fail(new AssayError('LLM_OUTPUT_TRUNCATED', 'Generation was stopped before the JSON object was complete.'));
	const body = text.trim().replace(/^```(?:json)?\s*\n([\s\S]*?)\n?```$/, '$1');
	let value: unknown;
	try {
		value = JSON.parse(body);
	} catch (cause) {
		return fail(
			new AssayError('LLM_OUTPUT_INVALID', `Expected one JSON object; the output does not parse (${String(cause)}).`, {
				details: { errors: [String(cause)] }
			})
		);
	}
	const errors = validator.validate(schema, value);
	if (errors.length > 0)
		return fail(
			new AssayError('LLM_OUTPUT_INVALID', `The output does not match the schema: ${errors.join('; ')}`, { details: { errors } })
		);
	return { ok: true, value, text };
}

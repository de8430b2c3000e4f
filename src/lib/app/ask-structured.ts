import { toErrorData } from '$lib/shared/errors.ts';
import {
	parseSchemaText,
	parseStructuredOutput,
	structuredRequest,
	type ChatModel,
	type FinishReason,
	type StructuredResult
} from '$lib/generation/index.ts';
import { CfworkerSchemaValidator } from '$lib/adapters/json-schema-validator.ts';

const validator = new CfworkerSchemaValidator();

/**
 * Structured output: send `input` with the user's JSON Schema (constrained decoding where the
 * engine supports it), collect the stream, validate. Every failure — bad schema text, engine
 * error, cut output, invalid JSON — is a typed `StructuredResult` error, never a throw.
 */
export async function runStructured(
	model: ChatModel,
	schemaText: string,
	input: string,
	maxTokens: number,
	signal?: AbortSignal,
	onText?: (text: string) => void
): Promise<StructuredResult> {
	let text = '';
	try {
		const schema = parseSchemaText(schemaText);
		let finish: FinishReason = 'stop';
		for await (const e of model.stream(structuredRequest(schema, input, maxTokens), signal)) {
			if (e.type === 'token') onText?.((text += e.text));
			else if (e.type === 'error') return { ok: false, error: e.error, text };
			else if (e.type === 'done') finish = e.finishReason;
		}
		return parseStructuredOutput(text, finish, schema, validator);
	} catch (error) {
		return { ok: false, error: toErrorData(error), text };
	}
}

import type { ChatModel } from '../../generation/types.ts';
import type { GoldenCase } from '../golden/types.ts';
import { QuestionDeduper } from './dedup.ts';
import { planSynthetic, SYNTHETIC_DEFAULTS } from './plan.ts';
import { parseSyntheticReply, syntheticRequest, SYNTHETIC_PROMPT_VERSION } from './prompt.ts';
import type { SyntheticDocument, SyntheticItem, SyntheticItemError, SyntheticOptions, SyntheticResult } from './types.ts';

/** Context of a generation besides the documents and options. */
export interface SyntheticContext {
	/** Cases already in the golden set (accepted and real ones, and the synthetic queue): their ids are not reused, their questions are not repeated. */
	readonly existing: readonly GoldenCase[];
	/** Clock for `source.generatedAt`, ms since the epoch (inject it; tests pin it). */
	readonly nowMs: number;
	readonly signal?: AbortSignal;
	/** After each item: items done and the total. */
	readonly onProgress?: (done: number, total: number) => void;
}

async function reply(model: ChatModel, item: SyntheticItem, options: SyntheticOptions, signal?: AbortSignal) {
	const request = syntheticRequest(item, {
		maxTokens: options.maxTokens ?? SYNTHETIC_DEFAULTS.maxTokens,
		seed: (options.seed ?? SYNTHETIC_DEFAULTS.seed) + item.index
	});
	let text = '';
	try {
		for await (const event of model.stream(request, signal)) {
			if (event.type === 'token') text += event.text;
			else if (event.type === 'error') return { error: event.error.message };
		}
	} catch (error) {
		return { error: error instanceof Error ? error.message : String(error) };
	}
	return { text };
}

function caseId(taken: Set<string>): string {
	for (let n = 1; ; n++) {
		const id = `syn-${n}`;
		if (!taken.has(id)) return (taken.add(id), id);
	}
}

/**
 * Generate synthetic golden cases with `model`: plan the items ({@link planSynthetic}), ask for
 * each in turn, and keep every valid, new question as a pending case — `relevant`: the item's
 * documents (grade 1), `reference`: the model's answer, tags `synthetic` plus `single-document` or
 * `multi-document`, `source`: `{kind: 'synthetic', model, promptVersion, documentIds, generatedAt, review: 'pending'}`,
 * ids `syn-<n>` unused in `existing`. A malformed reply, an engine error or a near duplicate
 * ({@link QuestionDeduper}, against `existing` and earlier items) fails that item only. An abort
 * stops before the next item and returns what was made.
 */
export async function generateSyntheticCases(
	model: ChatModel,
	docs: readonly SyntheticDocument[],
	options: SyntheticOptions,
	context: SyntheticContext
): Promise<SyntheticResult> {
	const { items, multiUnavailable } = planSynthetic(docs, options);
	const deduper = new QuestionDeduper(context.existing.map((c) => c.query));
	const taken = new Set(context.existing.map((c) => c.id));
	const generatedAt = new Date(context.nowMs).toISOString();
	const cases: GoldenCase[] = [];
	const errors: SyntheticItemError[] = [];
	for (const item of items) {
		if (context.signal?.aborted) break;
		const documentIds = [...new Set(item.excerpts.map((e) => e.ref))];
		const fail = (failure: SyntheticItemError['failure'], message: string) =>
			errors.push({ index: item.index, kind: item.kind, documentIds, failure, message });
		const got = await reply(model, item, options, context.signal);
		if (context.signal?.aborted) break;
		if ('error' in got) fail('model-error', got.error ?? 'The model failed.');
		else {
			const parsed = parseSyntheticReply(got.text);
			if (!parsed.ok) fail('malformed', parsed.message);
			else if (deduper.isDuplicate(parsed.reply.question))
				fail('duplicate', `"${parsed.reply.question}" repeats a question already asked.`);
			else
				cases.push({
					id: caseId(taken),
					query: parsed.reply.question,
					relevant: documentIds.map((doc) => ({ doc, grade: 1 })),
					reference: parsed.reply.answer,
					tags: ['synthetic', item.kind === 'single' ? 'single-document' : 'multi-document'],
					source: {
						kind: 'synthetic',
						model: model.modelId,
						promptVersion: SYNTHETIC_PROMPT_VERSION,
						documentIds,
						generatedAt,
						review: 'pending'
					}
				});
		}
		context.onProgress?.(item.index + 1, items.length);
	}
	return { cases, errors, multiUnavailable };
}

import type { ChatMessage } from '../../generation/types.ts';
import type { PairwiseOutcome } from '../judge/pairwise.ts';

/**
 * Hand-off to fine-tuning in the conversational dataset formats TRL's trainers read
 * (https://huggingface.co/docs/trl/dataset_formats): language modeling
 * `{"messages": [...]}` for `SFTTrainer`, preference `{"prompt": [...], "chosen": [...],
 * "rejected": [...]}` for `DPOTrainer`. One JSON object per line (JSONL).
 */

/** One supervised example: the prompt messages exactly as sent, and the answer to learn. */
export interface SftSource {
	readonly prompt: readonly ChatMessage[];
	readonly answer: string;
}

/** A preference pair: same prompt, a better and a worse answer. */
export interface PreferencePair {
	readonly prompt: readonly ChatMessage[];
	readonly chosen: string;
	readonly rejected: string;
	/** Where the preference came from, for the audit trail (not written to the JSONL). */
	readonly source: 'pairwise-judge' | 'human-score';
}

const assistant = (content: string): ChatMessage[] => [{ role: 'assistant', content }];

/** SFT JSONL: `{"messages": [...prompt, {"role": "assistant", "content": answer}]}` per line. */
export function toSftJsonl(examples: readonly SftSource[]): string {
	return examples.map((e) => `${JSON.stringify({ messages: [...e.prompt, ...assistant(e.answer)] })}\n`).join('');
}

/** DPO JSONL: `{"prompt": [...], "chosen": [assistant], "rejected": [assistant]}` per line. */
export function toDpoJsonl(pairs: readonly PreferencePair[]): string {
	return pairs
		.map((p) => `${JSON.stringify({ prompt: p.prompt, chosen: assistant(p.chosen), rejected: assistant(p.rejected) })}\n`)
		.join('');
}

/**
 * Preference pairs from pairwise judging: only pairs whose two orders agreed on a winner
 * (`preferred` first/second); ties, position-inconsistent pairs and errors are skipped —
 * training on a coin flip would teach the judge's position bias.
 * `answers.get(id)` gives the prompt and the two answers of pair `id`.
 */
export function pairsFromPairwise(
	outcomes: readonly PairwiseOutcome[],
	answers: ReadonlyMap<string, { prompt: readonly ChatMessage[]; first: string; second: string }>
): PreferencePair[] {
	const out: PreferencePair[] = [];
	for (const o of outcomes) {
		const a = answers.get(o.id);
		if (!a || (o.preferred !== 'first' && o.preferred !== 'second')) continue;
		const [chosen, rejected] = o.preferred === 'first' ? [a.first, a.second] : [a.second, a.first];
		out.push({ prompt: a.prompt, chosen, rejected, source: 'pairwise-judge' });
	}
	return out;
}

/**
 * Preference pairs from human scores (1–5 or pass = 1 / fail = 0) of several answers to the same
 * prompt: every two answers with different scores make a pair, the higher one chosen; equal
 * scores make no pair. Pairs come in input order (i < j).
 */
export function pairsFromHumanScores(
	prompt: readonly ChatMessage[],
	answers: readonly { text: string; score: number }[]
): PreferencePair[] {
	const out: PreferencePair[] = [];
	for (let i = 0; i < answers.length; i++) {
		for (let j = i + 1; j < answers.length; j++) {
			const a = answers[i] as { text: string; score: number };
			const b = answers[j] as { text: string; score: number };
			if (a.score === b.score) continue;
			const [hi, lo] = a.score > b.score ? [a, b] : [b, a];
			out.push({ prompt, chosen: hi.text, rejected: lo.text, source: 'human-score' });
		}
	}
	return out;
}

/**
 * Judge replies for the answers bench: the judge-01 case (vendored in tests/fixtures), a generated
 * mix, the two parsers compared (Assay's parseVerdict and a naive JSON.parse + integer check) and
 * how each outcome is classified against the expected one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfworkerSchemaValidator } from '../../src/lib/adapters/json-schema-validator.ts';
import { parseVerdict } from '../../src/lib/evals/judge/verdict.ts';
import { seededRandom } from '../../src/lib/evals/stats/paired.ts';

/** One reply and what a correct parser makes of it: a score 1–5, or `null` for "must be an error". */
export interface Reply {
	readonly kind: string;
	readonly raw: string;
	readonly expectedScore: number | null;
}

/** What a parser returned for one reply: a score, a non-throwing rejection (typed or not), or an exception. */
export type Outcome =
	{ readonly type: 'ok'; readonly score: number } | { readonly type: 'rejected'; readonly code: string } | { readonly type: 'threw' };

export interface Parser {
	readonly name: string;
	parse(raw: string): Outcome;
}

const validator = new CfworkerSchemaValidator();

export const assayParser: Parser = {
	name: "Assay parseVerdict('rubric') + CfworkerSchemaValidator",
	parse(raw) {
		const r = parseVerdict('rubric', raw, validator);
		return r.ok ? { type: 'ok', score: r.verdict.score } : { type: 'rejected', code: r.error.code };
	}
};

/** What many eval tools do: JSON.parse the whole reply, accept an integer score 1–5. Throws on non-JSON. */
export const naiveParser: Parser = {
	name: 'naive JSON.parse + integer 1–5 check',
	parse(raw) {
		const value = JSON.parse(raw) as { score?: unknown };
		const s = value?.score;
		return typeof s === 'number' && Number.isInteger(s) && s >= 1 && s <= 5
			? { type: 'ok', score: s }
			: { type: 'rejected', code: 'untyped' };
	}
};

/** Run a parser, turning an exception into the `threw` outcome (what a caller without try/catch would crash on). */
export function outcomeOf(parser: Parser, raw: string): Outcome {
	try {
		return parser.parse(raw);
	} catch {
		return { type: 'threw' };
	}
}

/** Tally of outcomes against expectations. */
export interface Tally {
	/** Valid verdicts recovered with the right score. */
	recovered: number;
	/** Valid verdicts lost (rejected or thrown). */
	lost: number;
	/** Bad replies rejected without throwing. */
	rejected: number;
	/** Replies that made the parser throw. */
	threw: number;
	/** A score accepted for a bad reply, or a wrong score for a valid one. */
	wrongAccepted: number;
	/** Replies whose verdict is valid / bad. */
	validTotal: number;
	badTotal: number;
}

export function tally(parser: Parser, replies: readonly Reply[]): Tally {
	const t: Tally = { recovered: 0, lost: 0, rejected: 0, threw: 0, wrongAccepted: 0, validTotal: 0, badTotal: 0 };
	for (const r of replies) {
		const o = outcomeOf(parser, r.raw);
		if (r.expectedScore === null) t.badTotal++;
		else t.validTotal++;
		if (o.type === 'threw') t.threw++;
		if (o.type === 'ok') {
			if (o.score === r.expectedScore) t.recovered++;
			else t.wrongAccepted++;
		} else if (r.expectedScore !== null) t.lost++;
		else if (o.type === 'rejected') t.rejected++;
	}
	return t;
}

/** The judge-01 replies (tests/fixtures/cases/judge-01-verdict-parsing/judge_outputs.jsonl). */
export function judge01(root: string): Reply[] {
	const file = join(root, 'tests', 'fixtures', 'cases', 'judge-01-verdict-parsing', 'judge_outputs.jsonl');
	return readFileSync(file, 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => JSON.parse(l) as { id: string; raw: string; expected: { status: string; score?: number } })
		.map((l) => ({ kind: l.id, raw: l.raw, expectedScore: l.expected.status === 'ok' ? (l.expected.score ?? null) : null }));
}

/** The seeded PRNG of the paired tests (mulberry32), so the mix is the same on every run. */
export const prng = seededRandom;

const REASONS = [
	'Every claim is supported by chunk [1].',
	"Misses the answer's second half.",
	'Cites the {placeholder} source correctly.',
	'Wrong year; the source says 2019.'
];

/** The seven kinds of the generated mix, in equal shares: four valid (with a score), three bad. */
export const MIX_KINDS = ['valid', 'fenced', 'prose-prefixed', 'single-quoted', 'truncated', 'out-of-range', 'NaN'] as const;

/** `n` generated replies cycling through {@link MIX_KINDS} with seeded scores and reasons. */
export function generatedMix(n: number, seed = 42): Reply[] {
	const rand = prng(seed);
	const out: Reply[] = [];
	for (let i = 0; i < n; i++) {
		const kind = MIX_KINDS[i % MIX_KINDS.length] as (typeof MIX_KINDS)[number];
		const score = 1 + Math.floor(rand() * 5);
		const reason = REASONS[Math.floor(rand() * REASONS.length)] as string;
		const json = JSON.stringify({ score, reason });
		switch (kind) {
			case 'valid':
				out.push({ kind, raw: json, expectedScore: score });
				break;
			case 'fenced':
				out.push({ kind, raw: '```json\n' + json + '\n```', expectedScore: score });
				break;
			case 'prose-prefixed':
				out.push({ kind, raw: `Here is my assessment of the answer:\n${json}`, expectedScore: score });
				break;
			case 'single-quoted':
				out.push({ kind, raw: `{'score': ${score}, 'reason': '${reason.replace(/'/g, "\\'")}'}`, expectedScore: score });
				break;
			case 'truncated':
				out.push({ kind, raw: json.slice(0, 12 + Math.floor(rand() * (json.length - 14))), expectedScore: null });
				break;
			case 'out-of-range':
				out.push({ kind, raw: JSON.stringify({ score: rand() < 0.5 ? 0 : 6 + Math.floor(rand() * 5), reason }), expectedScore: null });
				break;
			case 'NaN':
				out.push({ kind, raw: `{"score": NaN, "reason": ${JSON.stringify(reason)}}`, expectedScore: null });
				break;
		}
	}
	return out;
}

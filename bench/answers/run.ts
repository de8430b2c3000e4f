/**
 * Answer-eval overhead in Node: (1) judge verdict parsing, Assay's parseVerdict vs a naive
 * JSON.parse + integer check, on the judge-01 case and a generated mix; (2) an answer run over
 * SciFact's 300 golden cases with a zero-latency scripted model (retrieval, prompt assembly,
 * storing each AnswerRecord in fake-indexeddb), then grading with a zero-latency scripted judge
 * (3 rubrics + DEFAULT_CHECKS); (3) agreement() on 100,000 label pairs.
 * The models answer instantly, so (2) is the tool's own overhead, to set next to model latency.
 *
 *   npx tsx bench/answers/run.ts [--mix 10000] [--rounds 5]
 *
 * Writes bench/out/answers.json. Not part of the test suite; numbers depend on the machine.
 */
import 'fake-indexeddb/auto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IDBFactory } from 'fake-indexeddb';
import { createLibraryServiceWithInternals } from '../../src/lib/services/library.ts';
import { combineApis, createEvalService } from '../../src/lib/services/eval-service.ts';
import { createAnswerService } from '../../src/lib/services/answer-service.ts';
import { runAnswerCases, type RetrievedSource } from '../../src/lib/evals/answers/run.ts';
import { defaultGrading, gradeAnswers } from '../../src/lib/evals/answers/grade.ts';
import { agreement } from '../../src/lib/evals/agreement/index.ts';
import { EstimateTokenizer, ScriptedChatModel } from '../../src/lib/generation/index.ts';
import { BasicTracer } from '../../src/lib/tracing/index.ts';
import { CfworkerSchemaValidator } from '../../src/lib/adapters/json-schema-validator.ts';
import { answerConfig } from '../../tests/support/answer-runs.ts';
import {
	assayParser,
	generatedMix,
	judge01,
	naiveParser,
	outcomeOf,
	prng,
	tally,
	type Parser,
	type Reply,
	type Tally
} from './verdicts.ts';

const root = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({ options: { mix: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

function percentile(sorted: readonly number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
const median = (xs: readonly number[]) =>
	percentile(
		[...xs].sort((a, b) => a - b),
		50
	);

/** Median over `rounds` (after one warm-up round) of the ms to parse every reply once. */
function parseMs(parser: Parser, replies: readonly Reply[]): number {
	const once = () => {
		const t0 = performance.now();
		for (const r of replies) outcomeOf(parser, r.raw);
		return performance.now() - t0;
	};
	once();
	return median(Array.from({ length: rounds }, once));
}

// ---- 1. Verdict parsing ----
const mix = generatedMix(Number(values.mix));
const cases = judge01(root);
const parsers = [assayParser, naiveParser];
const speed = parsers.map((p) => {
	const ms = parseMs(p, mix);
	return { parser: p.name, ms, repliesPerSecond: (mix.length / ms) * 1000, usPerReply: (ms * 1000) / mix.length };
});
const correctness = parsers.map((p) => ({ parser: p.name, judge01: tally(p, cases), mix: tally(p, mix) }));

console.log(`# Answers bench — Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})\n`);
console.log(
	`## 1. Judge verdict parsing — ${mix.length} generated replies (valid, fenced, prose-prefixed, single-quoted, truncated, out-of-range, NaN; equal shares), median of ${rounds}\n`
);
console.log('| parser | replies/s | µs per reply | ratio to Assay |\n|---|---:|---:|---:|');
const base = speed[0]!;
for (const s of speed)
	console.log(
		`| ${s.parser} | ${Math.round(s.repliesPerSecond).toLocaleString('en')} | ${s.usPerReply.toFixed(2)} | ${(s.usPerReply / base.usPerReply).toFixed(2)}× |`
	);
const row = (name: string, t: Tally) =>
	`| ${name} | ${t.recovered}/${t.validTotal} | ${t.lost} | ${t.rejected}/${t.badTotal} | ${t.threw} | ${t.wrongAccepted} |`;
for (const set of ['judge01', 'mix'] as const) {
	console.log(
		`\nCorrectness on ${set === 'judge01' ? 'judge-01 (10 replies: 6 valid verdicts, 4 must be errors)' : `the generated mix (${mix.length} replies)`}:\n`
	);
	console.log(
		'| parser | valid verdicts recovered | valid verdicts lost | bad replies rejected without throwing | exceptions thrown | wrong scores accepted |\n|---|---:|---:|---:|---:|---:|'
	);
	for (const c of correctness) console.log(row(c.parser, c[set]));
}
const assayCodes = new Map<string, number>();
for (const r of cases) {
	const o = assayParser.parse(r.raw);
	const key = o.type === 'ok' ? `ok ${o.score}` : o.type === 'rejected' ? o.code : 'threw';
	assayCodes.set(key, (assayCodes.get(key) ?? 0) + 1);
}
console.log(`\nAssay on judge-01, outcome counts: ${[...assayCodes].map(([k, n]) => `${k} ×${n}`).join(', ')}`);

// ---- 2. Answer run and grading overhead on SciFact ----
const scifact = join(root, 'tests', 'fixtures', 'datasets', 'scifact');
const { api, internals } = createLibraryServiceWithInternals({ idbFactory: new IDBFactory() });
const svc = combineApis(api, createEvalService(api, internals), createAnswerService(api, internals));
let t0 = performance.now();
const imported = await svc.importBeirFolder({
	name: 'scifact',
	corpus: new Blob([readFileSync(join(scifact, 'corpus.jsonl.gz'))]),
	corpusGzipped: true,
	queries: new Blob([readFileSync(join(scifact, 'queries.jsonl'))]),
	qrels: new Blob([readFileSync(join(scifact, 'qrels.tsv'))]),
	analyzer: 'english'
});
const importMs = performance.now() - t0;
const workspaceId = imported.workspace.id;
const golden = await svc.saveGoldenSet(
	workspaceId,
	null,
	'scifact with references',
	imported.goldenSet.cases.map((c) => ({ ...c, reference: `Reference answer for ${c.id}.` }))
);
const retrieve = async (q: string): Promise<RetrievedSource[]> =>
	(await svc.search({ workspaceId, query: q, topK: 5, mode: 'lexical' })).hits.map((h) => ({
		chunkId: h.chunkId,
		documentId: h.documentId,
		documentRef: h.documentRef,
		score: h.score,
		title: h.documentName,
		text: h.text
	}));

/** One answer run over every golden case; per-case ms = time from the previous stored answer to this one. */
async function answerRun(label: string) {
	const run = await svc.startAnswerRun({ workspaceId, goldenSetId: golden.id, config: answerConfig(label, 'scripted-answer') });
	const state = await svc.answerRunState(run.id);
	const model = new ScriptedChatModel('scripted-answer', { tokens: ['According to the abstract ', '[1], ', 'the claim holds', ' [2].'] });
	const perCase: number[] = [];
	let retrieveMs = 0;
	let saveMs = 0;
	const start = performance.now();
	let last = start;
	await runAnswerCases({
		run: state.run,
		cases: state.pending,
		model,
		retrieve: async (q) => {
			const t = performance.now();
			const hits = await retrieve(q);
			retrieveMs += performance.now() - t;
			return hits;
		},
		tokenizer: new EstimateTokenizer(),
		tracer: new BasicTracer([]),
		clock: () => performance.now(),
		onAnswer: async (r) => {
			const t = performance.now();
			await svc.saveAnswer(r);
			saveMs += performance.now() - t;
			perCase.push(performance.now() - last);
			last = performance.now();
		}
	});
	const totalMs = performance.now() - start;
	await svc.updateAnswerRun(run.id, { status: 'complete' });
	return { runId: run.id, cases: perCase.length, totalMs, perCase, retrieveMs, saveMs };
}

/** Grade a run with a judge that answers every rubric at once; per-answer ms as in {@link answerRun}. */
async function gradeRun(runId: string) {
	const settings = defaultGrading({ provider: 'scripted', modelId: 'judge' });
	await svc.updateAnswerRun(runId, { grading: settings });
	const judge = new ScriptedChatModel('judge', { tokens: ['{"score": 4, ', '"reason": "Supported by [1]."}'] });
	const answers = (await svc.answerRunState(runId)).answers;
	const perAnswer: number[] = [];
	let saveMs = 0;
	const start = performance.now();
	let last = start;
	await gradeAnswers({
		answers,
		settings,
		model: judge,
		validator: new CfworkerSchemaValidator(),
		onGraded: async (r) => {
			const t = performance.now();
			await svc.saveAnswer(r);
			saveMs += performance.now() - t;
			perAnswer.push(performance.now() - last);
			last = performance.now();
		}
	});
	return { answers: perAnswer.length, judgeCalls: judge.requests.length, totalMs: performance.now() - start, perAnswer, saveMs };
}

const runs = [await answerRun('first run'), await answerRun('second run')];
const grades = [await gradeRun(runs[0]!.runId), await gradeRun(runs[1]!.runId)];
const stats = (xs: readonly number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1] ?? NaN };
};
console.log(
	`\n## 2. Answer-run overhead — SciFact (${imported.goldenSet.cases.length} golden cases, ${imported.documents} documents), lexical top 5, zero-latency ScriptedChatModel`
);
console.log(
	`Workspace built from tests/fixtures/datasets/scifact on fake-indexeddb in ${(importMs / 1000).toFixed(1)} s (not counted below).\n`
);
console.log(
	'| answer run | cases | cases/s | ms/case p50 | ms/case p95 | max | retrieval ms (share) | storing AnswerRecords ms (share) | rest: prompt assembly, stream, trace ms (share) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|'
);
for (const [i, r] of runs.entries()) {
	const s = stats(r.perCase);
	const rest = r.totalMs - r.retrieveMs - r.saveMs;
	const share = (ms: number) => `${ms.toFixed(0)} (${((ms / r.totalMs) * 100).toFixed(0)}%)`;
	console.log(
		`| ${i === 0 ? 'first (cold)' : 'second (warm)'} | ${r.cases} | ${((r.cases / r.totalMs) * 1000).toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.max.toFixed(1)} | ${share(r.retrieveMs)} | ${share(r.saveMs)} | ${share(rest)} |`
	);
}
console.log(
	'\n| grading (3 rubrics + DEFAULT_CHECKS, scripted judge) | answers | judge calls | answers/s | ms/answer p50 | ms/answer p95 | storing graded records ms (share) |\n|---|---:|---:|---:|---:|---:|---:|'
);
for (const [i, g] of grades.entries()) {
	const s = stats(g.perAnswer);
	console.log(
		`| ${i === 0 ? 'first run' : 'second run'} | ${g.answers} | ${g.judgeCalls} | ${((g.answers / g.totalMs) * 1000).toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p95.toFixed(2)} | ${g.saveMs.toFixed(0)} (${((g.saveMs / g.totalMs) * 100).toFixed(0)}%) |`
	);
}
const warm = stats(runs[1]!.perCase).p50 + stats(grades[1]!.perAnswer).p50;
console.log(
	`\nThe models answer instantly, so this is Assay's own overhead: ~${warm.toFixed(1)} ms per case to answer and grade (p50, warm), next to 1 answer + 3 judge calls of a real model (typically 0.5–5 s each): about ${((warm / 2000) * 100).toFixed(2)}% of 4 calls at 0.5 s.`
);

// ---- 3. Agreement ----
const rand = prng(7);
const n = 100_000;
const human = Array.from({ length: n }, () => 1 + Math.floor(rand() * 5));
const judgeLabels = human.map((h) => (rand() < 0.7 ? h : 1 + Math.floor(rand() * 5)));
agreement(human, judgeLabels, [1, 2, 3, 4, 5]);
const agreementMs = median(
	Array.from({ length: rounds }, () => {
		t0 = performance.now();
		agreement(human, judgeLabels, [1, 2, 3, 4, 5]);
		return performance.now() - t0;
	})
);
const a = agreement(human, judgeLabels, [1, 2, 3, 4, 5]);
console.log(`\n## 3. agreement() — ${n.toLocaleString('en')} label pairs, 5 categories, median of ${rounds}\n`);
console.log('| pairs | ms | pairs/s | accuracy | κ | linear weighted κ | quadratic weighted κ |\n|---:|---:|---:|---:|---:|---:|---:|');
console.log(
	`| ${n.toLocaleString('en')} | ${agreementMs.toFixed(2)} | ${Math.round((n / agreementMs) * 1000).toLocaleString('en')} | ${a.accuracy.toFixed(4)} | ${a.kappa?.toFixed(4)} | ${a.weightedKappaLinear?.toFixed(4)} | ${a.weightedKappaQuadratic?.toFixed(4)} |`
);

const out = {
	node: process.version,
	cores: availableParallelism(),
	parsing: { replies: mix.length, rounds, speed, correctness },
	answerRun: {
		dataset: 'scifact',
		importMs,
		runs: runs.map(({ perCase, ...r }) => ({ ...r, ...stats(perCase) })),
		grading: grades.map(({ perAnswer, ...g }) => ({ ...g, ...stats(perAnswer) }))
	},
	agreement: {
		pairs: n,
		ms: agreementMs,
		accuracy: a.accuracy,
		kappa: a.kappa,
		weightedKappaLinear: a.weightedKappaLinear,
		weightedKappaQuadratic: a.weightedKappaQuadratic
	}
};
mkdirSync(join(root, 'bench', 'out'), { recursive: true });
writeFileSync(join(root, 'bench', 'out', 'answers.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log('\nWrote bench/out/answers.json');

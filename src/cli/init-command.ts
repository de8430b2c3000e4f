import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choiceOption, parseOptions, stringOption } from './args.ts';
import { EXIT_OK, UsageError, type CliIo } from './io.ts';

/** Usage text of `assay init`. */
export const INIT_USAGE = `Usage: assay init [--type http|file|exec|assay] [--dir <folder>]

Write a starter evaluation: assay.config.json (JSON; notes are "$comment" keys, which the
schema allows, since JSON has no comments) and golden.jsonl (three sample cases), plus
outputs.jsonl for --type file. Never overwrites: if a file exists, nothing is written.
Then: edit both, and run "assay eval --config assay.config.json".

Options:
  --type <type>   the system under test (default http): http = your app over HTTP, file = a
                  JSONL of outputs another system produced, exec = a command per case,
                  assay = Assay's own pipeline over a corpus
  --dir <folder>  where to write (default the current folder)
  -h, --help      this text
`;

const TYPES = ['http', 'file', 'exec', 'assay'] as const;
type InitType = (typeof TYPES)[number];

const GOLDEN = [
	{
		id: 'q1',
		query: 'How long is the warranty on the X200?',
		relevant: ['warranty.md'],
		reference: 'Two years from the date of purchase.',
		tags: ['sample']
	},
	{
		id: 'q2',
		query: 'Can I return an opened item?',
		relevant: ['returns.md'],
		reference: 'Yes, within 30 days, with the receipt.',
		tags: ['sample']
	},
	{
		id: 'q3',
		query: 'Which countries do you ship to?',
		relevant: [{ doc: 'shipping.md', grade: 2 }],
		reference: 'The EU, the UK and Switzerland.',
		tags: ['sample']
	}
];

const SYSTEMS: Record<InitType, Record<string, unknown>> = {
	http: {
		$comment:
			'Your app over HTTP. body is a JSON template: "{{query}}", "{{id}}", "{{seed}}" or any golden-case field; answer/contexts are JSONPath into the reply. Header values may use {{env.NAME}} (the variable must be set).',
		type: 'http',
		label: 'my RAG app (local)',
		url: 'http://127.0.0.1:8000/ask',
		method: 'POST',
		headers: { authorization: 'Bearer {{env.APP_TOKEN}}' },
		body: { question: '{{query}}', case_id: '{{id}}' },
		answer: '$.answer',
		contexts: '$.contexts',
		contextId: '$.id',
		contextText: '$.text',
		contextScore: '$.score'
	},
	file: {
		$comment: 'Outputs another system already produced: one JSON line per case, {"id", "answer", "contexts": [{"id", "text", "score"}]}.',
		type: 'file',
		label: 'exported outputs',
		path: 'outputs.jsonl'
	},
	exec: {
		$comment:
			'A command per case: the case as JSON on stdin ({id, query, …, repeat, seed}); it prints {"answer", "contexts"} as JSON on stdout. No shell unless you run "sh" with ["-c", "…"].',
		type: 'exec',
		label: 'my script',
		command: 'node',
		args: ['answer.js'],
		timeoutMs: 60000
	},
	assay: {
		$comment: "Assay's own pipeline: a BEIR corpus indexed with BM25, answered by an OpenAI-compatible model.",
		type: 'assay',
		label: 'assay lexical top-5',
		corpus: 'corpus',
		mode: 'lexical',
		topK: 5,
		model: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:3b-instruct', apiKeyEnv: 'OPENAI_API_KEY' }
	}
};

/** The starter configuration for `type` (a JSON value valid against schemas/assay-config.v1.schema.json). */
export function starterConfig(type: InitType): Record<string, unknown> {
	return {
		$schema: 'https://assay.invalid/schemas/assay-config.v1.schema.json',
		$comment: [
			'Starter config written by "assay init". Run: npx assay eval --config assay.config.json',
			"Keys: schemas/assay-config.v1.schema.json; CI: docs/ci.md. Relative paths are resolved against this file's folder."
		],
		goldenSet: 'golden.jsonl',
		system: SYSTEMS[type],
		judge: {
			$comment: 'Optional. Remove this block to run only the retrieval metrics and the checks.',
			baseUrl: 'https://api.openai.com/v1',
			model: 'gpt-4o-mini',
			apiKeyEnv: 'OPENAI_API_KEY',
			rubrics: ['correctness', 'faithfulness', 'answer-relevancy']
		},
		checks: [
			{ id: 'citations-present', type: 'citations-present' },
			{ id: 'length', type: 'length', maxChars: 4000 }
		],
		repeats: 1,
		concurrency: 4,
		gate: {
			$comment: 'maxDrop is against the baseline report (commit a report.json of a good run); min is a floor. Metric names as in reports.',
			baseline: 'baseline/report.json',
			rules: [
				{ metric: 'judge.correctness', min: 4.2 },
				{ metric: 'recall@5', maxDrop: 0.02 }
			]
		},
		cache: { dir: '.assay-cache' }
	};
}

/** `assay init`: see {@link INIT_USAGE}. @throws UsageError when a file to write exists (nothing is written). */
export async function initCommand(argv: readonly string[], io: CliIo): Promise<number> {
	const values = parseOptions(argv, { type: { type: 'string' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
	if (values.help) {
		io.stdout(INIT_USAGE);
		return EXIT_OK;
	}
	const type = choiceOption(values, 'type', TYPES, 'http');
	const dir = resolve(stringOption(values, 'dir', '.'));
	const files: [string, string][] = [
		['assay.config.json', `${JSON.stringify(starterConfig(type), null, '\t')}\n`],
		['golden.jsonl', GOLDEN.map((c) => JSON.stringify(c)).join('\n') + '\n']
	];
	if (type === 'file')
		files.push([
			'outputs.jsonl',
			GOLDEN.map((c) =>
				JSON.stringify({
					id: c.id,
					answer: `${c.reference} [1]`,
					contexts: [{ id: typeof c.relevant[0] === 'string' ? c.relevant[0] : 'shipping.md', text: c.reference, score: 1 }]
				})
			).join('\n') + '\n'
		]);
	const existing = files.map(([name]) => join(dir, name)).filter((p) => existsSync(p));
	if (existing.length > 0)
		throw new UsageError(
			`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; assay init never overwrites — remove ${existing.length === 1 ? 'it' : 'them'} or use --dir`
		);
	for (const [name, text] of files) writeFileSync(join(dir, name), text, { flag: 'wx' });
	io.stdout(
		`wrote ${files.map(([name]) => join(dir, name)).join(', ')}\nnext: edit them, then run: npx assay eval --config ${join(dir, 'assay.config.json')}\n`
	);
	return EXIT_OK;
}

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chunkDocument } from '../../lib/chunking/index.ts';
import { defaultAppConfig } from '../../lib/config/schema.ts';
import type { RetrievedSource } from '../../lib/evals/answers/run.ts';
import { parseBeirCorpus, type BeirDocument } from '../../lib/evals/index.ts';
import type { GoldenCase } from '../../lib/evals/golden/types.ts';
import { AssaySystem } from '../../lib/evals/system/assay-system.ts';
import { createFileSystem } from '../../lib/evals/system/file-system.ts';
import { createHttpSystem, parseHttpSystemConfig } from '../../lib/evals/system/http-system.ts';
import type { SystemUnderTest } from '../../lib/evals/system/types.ts';
import { OpenAiChatModel } from '../../lib/adapters/openai-chat.ts';
import { DEFAULT_SYSTEM_PROMPT, EstimateTokenizer } from '../../lib/generation/index.ts';
import { parseSystemPromptFile, type SystemPromptFile } from '../../lib/generation/system-prompt-file.ts';
import { Bm25Index } from '../../lib/search/bm25/index.ts';
import { createAnalyzer } from '../../lib/search/index.ts';
import { BasicTracer } from '../../lib/tracing/index.ts';
import { AssayError } from '../../lib/shared/errors.ts';
import { readTextFile } from '../beir-files.ts';
import { createExecSystem, parseExecSystemConfig } from '../exec-system.ts';
import type { LoadedConfig } from './load-config.ts';
import { chunkId, textCorpusHash } from '../../lib/shared/identity.ts';

/**
 * The system under test of an `assay eval` configuration, built from the adapters: `http`
 * (http-system.ts), `exec` (exec-system.ts), `file` (file-system.ts, the outputs file read from
 * disk) and `assay` (Assay's own pipeline: the corpus chunked with the app's defaults, indexed
 * with BM25 in memory, answered through an OpenAI-compatible model with the system prompt spec
 * file). Config problems are `CONFIG_INVALID` naming the key, before any request.
 */

/** `value` without `$comment` keys at any depth (the adapters' schemas are strict and know no comments). */
export function withoutComments<T>(value: T): T {
	if (Array.isArray(value)) return value.map(withoutComments) as T;
	if (value !== null && typeof value === 'object')
		return Object.fromEntries(
			Object.entries(value)
				.filter(([k]) => k !== '$comment')
				.map(([k, v]) => [k, withoutComments(v)])
		) as T;
	return value;
}

/** A built system and lines worth telling the user (bad lines of an outputs file, …). */
export interface BuiltSystem {
	readonly system: SystemUnderTest;
	readonly notes: readonly string[];
}

/** Documents of a BEIR folder or a `corpus.jsonl[.gz]` file. @throws AssayError `DATASET_INVALID`, `FILE_READ`. */
export function readCorpus(path: string): BeirDocument[] {
	const file =
		existsSync(path) && statSync(path).isDirectory()
			? ['corpus.jsonl', 'corpus.jsonl.gz'].map((n) => join(path, n)).find((p) => existsSync(p))
			: path;
	if (!file || !existsSync(file))
		throw new AssayError('DATASET_INVALID', `The corpus ${path} has no corpus.jsonl (or corpus.jsonl.gz)`, { details: { path } });
	return parseBeirCorpus(readTextFile(file), file);
}

async function assaySystem(
	loaded: LoadedConfig,
	s: Extract<LoadedConfig['system'], { type: 'assay' }>,
	env: Readonly<Record<string, string | undefined>>
): Promise<SystemUnderTest> {
	const mode = s.mode ?? 'lexical';
	if (mode !== 'lexical')
		throw new AssayError(
			'CONFIG_INVALID',
			`Invalid configuration ${loaded.path} — system.mode: "${mode}" needs the embedding models, which the CLI's assay system does not load yet — use "lexical" here, or evaluate dense modes on the Answer evals page`
		);
	let apiKey: string | undefined;
	if (s.model.apiKeyEnv) {
		apiKey = env[s.model.apiKeyEnv];
		if (!apiKey)
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${loaded.path} — system.model.apiKeyEnv: environment variable ${s.model.apiKeyEnv} is not set — export ${s.model.apiKeyEnv}=…`
			);
	}
	const prompt: SystemPromptFile = s.prompt ? parseSystemPromptFile(readTextFile(s.prompt)) : { spec: DEFAULT_SYSTEM_PROMPT, fewShot: [] };
	const corpus = readCorpus(s.corpus);
	const app = defaultAppConfig();
	const index = new Bm25Index({ k1: app.bm25.k1, b: app.bm25.b }, createAnalyzer(app.bm25.analyzer));
	const chunks = new Map<string, RetrievedSource>();
	for (const d of corpus) {
		chunkDocument(d.text, 'text', app.chunking).forEach((c, ordinal) => {
			const id = chunkId(d.id, ordinal);
			chunks.set(id, { chunkId: id, documentId: d.id, documentRef: d.id, title: d.title || d.id, text: c.text, score: 0 });
			index.add(id, `${d.title} ${c.text}`);
		});
	}
	const topK = s.topK ?? 5;
	const model = new OpenAiChatModel({ baseUrl: s.model.baseUrl, model: s.model.model, ...(apiKey ? { apiKey } : {}) });
	return new AssaySystem({
		label: s.label ?? `assay ${mode} top-${topK} (${s.model.model})`,
		config: {
			label: s.label ?? `assay ${mode} top-${topK}`,
			mode,
			topK,
			model: { provider: model.provider, modelId: model.modelId, baseUrl: s.model.baseUrl },
			prompt: { spec: prompt.spec, fewShot: prompt.fewShot },
			contextWindowTokens: 8192,
			maxTokens: s.maxTokens ?? 512,
			temperature: s.temperature ?? 0,
			seed: 0
		},
		corpusIdentity: {
			corpus: await textCorpusHash(corpus),
			chunking: app.chunking,
			bm25: app.bm25
		},
		model,
		retrieve: async (q) => index.search(q, { topK }).map((h) => ({ ...(chunks.get(h.id) as RetrievedSource), score: h.score })),
		tokenizer: new EstimateTokenizer(),
		tracer: new BasicTracer([]),
		clock: () => performance.now()
	});
}

/**
 * Build the system of `loaded` (see the module comment).
 * @param goldenCases the whole golden set (an outputs file's lines are checked against it).
 * @throws AssayError `CONFIG_INVALID` (a bad key, an unset variable), `FILE_READ`, `DATASET_INVALID`.
 */
export async function buildSystem(
	loaded: LoadedConfig,
	goldenCases: readonly GoldenCase[],
	env: Readonly<Record<string, string | undefined>>
): Promise<BuiltSystem> {
	const s = loaded.system;
	const asConfigError = (error: unknown): never => {
		if (error instanceof AssayError && error.code === 'CONFIG_INVALID' && !error.message.startsWith('Invalid configuration'))
			throw new AssayError(
				'CONFIG_INVALID',
				`Invalid configuration ${loaded.path} — ${error.message.replace(/^Invalid (http|exec) system — /, '')}`,
				{ cause: error, ...(error.details ? { details: error.details } : {}) }
			);
		throw error;
	};
	switch (s.type) {
		case 'http': {
			try {
				const config = parseHttpSystemConfig(withoutComments(s));
				return { system: await createHttpSystem(config), notes: [] };
			} catch (error) {
				return asConfigError(error);
			}
		}
		case 'exec': {
			try {
				const config = parseExecSystemConfig(withoutComments(s));
				return { system: await createExecSystem(config), notes: [] };
			} catch (error) {
				return asConfigError(error);
			}
		}
		case 'file': {
			const built = await createFileSystem(
				{ name: s.path, text: readTextFile(s.path), ...(s.label ? { label: s.label } : {}) },
				goldenCases
			);
			const notes = [
				...built.parsed.errors.slice(0, 20).map((e) => `${s.path}:${e.line}: ${e.code}: ${e.message}`),
				...(built.parsed.errors.length > 20 ? [`${s.path}: ${built.parsed.errors.length - 20} more bad lines`] : []),
				...(built.unknownIds.length
					? [
							`${s.path}: ${built.unknownIds.length} line(s) name no golden case (not scored): ${built.unknownIds
								.slice(0, 10)
								.map((u) => `${u.id} (line ${u.line})`)
								.join(', ')}`
						]
					: [])
			];
			return { system: built.system, notes };
		}
		case 'assay':
			return { system: await assaySystem(loaded, s, env), notes: [] };
	}
	throw new AssayError('CONFIG_INVALID', `Invalid configuration ${loaded.path} — system.type: unknown`);
}

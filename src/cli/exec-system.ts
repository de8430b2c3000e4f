import { spawn } from 'node:child_process';
import { AssayError } from '../lib/shared/errors.ts';
import { canonicalJson, sha256Text } from '../lib/shared/hash.ts';
import { z } from '../lib/shared/zod.ts';
import { excerpt, toSystemContext, toSystemUsage } from '../lib/evals/system/json-paths.ts';
import type { SystemCaseRequest, SystemOutput, SystemUnderTest } from '../lib/evals/system/types.ts';

/**
 * The `exec` system (Node only): one process per case. The command is started directly with its
 * `args` array — no shell unless the user writes one (`"command": "sh", "args": ["-c", "…"]`).
 * The case goes to stdin as one JSON object `{id, query, relevant, reference?, tags, attack?,
 * repeat, seed}` followed by a newline, then stdin is closed. The process writes
 * `{"answer": "…", "contexts": [...], "usage"?: {...}}` on stdout (the whole of stdout, or else
 * its last non-empty line, so log lines before it are allowed); contexts as in an outputs file
 * (strings, or objects `{id | documentId | doc, text, score, title}`).
 *
 * Per case: a non-zero exit, a kill, stdout that is not that JSON, or more than
 * `maxOutputBytes` of it → `SYSTEM_REQUEST_FAILED` with the last 2 KB of stderr; past
 * `timeoutMs` the process group gets SIGTERM, then SIGKILL after `killGraceMs`, and the case
 * fails the same way. A command that cannot be started (ENOENT: not found; EACCES: not
 * executable) → `SYSTEM_UNREACHABLE` (the runner stops: no case could run).
 */

/** Kept from stderr for the error message, bytes. */
export const STDERR_TAIL_BYTES = 2048;

/** The `system` object of type `exec` (CLI config). */
export const ExecSystemConfigSchema = z
	.object({
		type: z.literal('exec'),
		label: z.string().trim().min(1).optional(),
		/** The program (a path, or a name looked up on PATH). */
		command: z.string().trim().min(1, 'the program to run, e.g. node or ./bin/answer'),
		/** Its arguments, one string each (never split, never given to a shell). */
		args: z.array(z.string()).default([]),
		/** Working directory; default the current one (the CLI resolves it against the config file). */
		cwd: z.string().min(1).optional(),
		/** Extra environment variables (values already resolved; only names are recorded). */
		env: z.record(z.string().min(1), z.string()).default({}),
		/** Per case, ms; default 60 000. */
		timeoutMs: z.number().int().min(1).max(3_600_000).default(60_000),
		/** Between SIGTERM and SIGKILL, ms; default 2 000. */
		killGraceMs: z.number().int().min(0).max(60_000).default(2_000),
		/** Cap on stdout, bytes; default 10 MiB. */
		maxOutputBytes: z
			.number()
			.int()
			.min(1)
			.max(1024 * 1024 * 1024)
			.default(10 * 1024 * 1024)
	})
	.strict();
export type ExecSystemConfigInput = z.input<typeof ExecSystemConfigSchema>;
export type ExecSystemConfig = z.output<typeof ExecSystemConfigSchema>;

/** Injected for tests: the monotonic clock of `timings` (default `performance.now`). */
export interface ExecSystemDeps {
	readonly now?: () => number;
}

/**
 * Validate an exec system config.
 * @throws AssayError `CONFIG_INVALID` naming the key (`system.command: …`).
 */
export function parseExecSystemConfig(input: unknown, prefix = 'system'): ExecSystemConfig {
	const result = ExecSystemConfigSchema.safeParse(input);
	if (result.success) return result.data;
	const issues = result.error.issues.map((i) => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
	throw new AssayError('CONFIG_INVALID', `Invalid exec system — ${issues.join('; ')}`, { details: { issues } });
}

/** The JSON written to the process's stdin for one case. */
export function execCaseInput(request: SystemCaseRequest): Record<string, unknown> {
	const c = request.case;
	return {
		id: c.id,
		query: c.query,
		relevant: c.relevant,
		...(c.reference !== undefined ? { reference: c.reference } : {}),
		tags: c.tags,
		...(c.attack !== undefined ? { attack: c.attack } : {}),
		repeat: request.repeat,
		seed: request.seed
	};
}

/**
 * Build the exec system.
 * @throws AssayError `CONFIG_INVALID` (see {@link parseExecSystemConfig}).
 */
export async function createExecSystem(
	input: ExecSystemConfigInput | ExecSystemConfig,
	deps: ExecSystemDeps = {}
): Promise<SystemUnderTest> {
	const config = parseExecSystemConfig(input);
	const envNames = Object.keys(config.env).sort();
	const envSha256 = await sha256Text(canonicalJson(config.env));
	const now = deps.now ?? (() => performance.now());
	const shown = [config.command, ...config.args].map((a) => (/^[\w./=:@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
	return {
		ref: { type: 'exec', label: config.label ?? shown, details: { command: config.command, args: config.args, envNames } },
		cacheIdentity: { type: 'exec', command: config.command, args: config.args, cwd: config.cwd ?? null, envNames, envSha256 },
		answer: (request) => runCase(config, request, now, shown)
	};
}

function runCase(config: ExecSystemConfig, request: SystemCaseRequest, now: () => number, shown: string): Promise<SystemOutput> {
	return new Promise<SystemOutput>((resolve, reject) => {
		if (request.signal?.aborted) return reject(request.signal.reason);
		const caseId = request.case.id;
		const startedAt = now();
		const group = process.platform !== 'win32';
		const child = spawn(config.command, config.args, {
			...(config.cwd ? { cwd: config.cwd } : {}),
			env: { ...process.env, ...config.env },
			stdio: ['pipe', 'pipe', 'pipe'],
			shell: false,
			// Its own process group, so a timeout also stops what it started (`sh -c` children).
			detached: group,
			windowsHide: true
		});
		const stdout: Buffer[] = [];
		let stdoutBytes = 0;
		let stderr = Buffer.alloc(0);
		let failure: AssayError | null = null;
		let aborted = false;
		let settled = false;
		let killTimer: ReturnType<typeof setTimeout> | undefined;

		const kill = (signal: NodeJS.Signals) => {
			if (group && child.pid !== undefined) {
				// The whole group, even when the leader is gone but a child of it still holds the pipes.
				try {
					process.kill(-child.pid, signal);
					return;
				} catch {
					// ESRCH: the group is gone already.
				}
			}
			if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		};
		const stop = () => {
			kill('SIGTERM');
			killTimer ??= setTimeout(() => kill('SIGKILL'), config.killGraceMs);
		};
		const tail = () => {
			const text = stderr
				.toString('utf8')
				.replace(/^\uFFFD+/, '')
				.trim();
			return text ? `; stderr (last ${STDERR_TAIL_BYTES} bytes): ${text}` : '; stderr was empty';
		};
		const fail = (message: string, details: Record<string, unknown> = {}) =>
			new AssayError('SYSTEM_REQUEST_FAILED', `${message}${tail()}`, {
				details: { caseId, command: config.command, stderrTail: stderr.toString('utf8'), ...details }
			});

		const timeout = setTimeout(() => {
			failure ??= fail(
				`${shown} did not finish case ${caseId} within ${config.timeoutMs} ms: stopped (SIGTERM, then SIGKILL after ${config.killGraceMs} ms)`,
				{ timeoutMs: config.timeoutMs }
			);
			stop();
		}, config.timeoutMs);
		const onAbort = () => {
			aborted = true;
			stop();
		};
		request.signal?.addEventListener('abort', onAbort, { once: true });
		const finish = (error: unknown, output?: SystemOutput) => {
			if (settled) return;
			settled = true;
			clearTimeout(timeout);
			clearTimeout(killTimer);
			request.signal?.removeEventListener('abort', onAbort);
			if (error !== null) reject(error);
			else resolve(output!);
		};

		child.stdout.on('data', (chunk: Buffer) => {
			stdoutBytes += chunk.byteLength;
			if (stdoutBytes > config.maxOutputBytes) {
				failure ??= fail(`${shown} wrote more than ${config.maxOutputBytes} bytes on stdout for case ${caseId}: stopped`, {
					maxOutputBytes: config.maxOutputBytes
				});
				stop();
				return;
			}
			stdout.push(chunk);
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr = Buffer.concat([stderr, chunk]);
			if (stderr.byteLength > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.byteLength - STDERR_TAIL_BYTES);
		});
		// A program that exits without reading its stdin makes the write fail (EPIPE): not an error of ours.
		child.stdin.on('error', () => {});
		child.stdin.end(`${JSON.stringify(execCaseInput(request))}\n`);

		child.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'ENOENT' || error.code === 'EACCES') {
				const why =
					error.code === 'ENOENT' ? 'was not found (is it installed and on PATH, or is the path right?)' : 'is not executable (EACCES)';
				finish(
					new AssayError('SYSTEM_UNREACHABLE', `The exec system's command ${JSON.stringify(config.command)} ${why}; no case can run.`, {
						cause: error,
						details: { command: config.command, errno: error.code }
					})
				);
				return;
			}
			finish(fail(`${shown} could not be run for case ${caseId}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			if (aborted) return finish(request.signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError'));
			if (failure) return finish(failure);
			if (code !== 0)
				return finish(
					fail(signal ? `${shown} was killed by ${signal} on case ${caseId}` : `${shown} exited with code ${code} on case ${caseId}`, {
						exitCode: code,
						signal
					})
				);
			try {
				finish(null, { ...parseExecOutput(Buffer.concat(stdout).toString('utf8')), timings: { totalMs: now() - startedAt, ttftMs: null } });
			} catch (error) {
				finish(fail(`${shown} answered case ${caseId} with ${error instanceof Error ? error.message : String(error)}`));
			}
		});
	});
}

/**
 * Read a process's stdout: the whole text as JSON, else its last non-empty line.
 * @throws Error describing what was found (the caller wraps it as SYSTEM_REQUEST_FAILED).
 */
export function parseExecOutput(text: string): Omit<SystemOutput, 'timings'> {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		const last = text
			.split(/\r?\n/)
			.filter((l) => l.trim() !== '')
			.at(-1);
		try {
			value = last === undefined ? undefined : JSON.parse(last);
		} catch {
			value = undefined;
		}
		if (value === undefined)
			throw new Error(`stdout that is not JSON ({"answer", "contexts"} expected): ${text.trim() ? excerpt(text.trim(), 200) : '(empty)'}`);
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value))
		throw new Error(`stdout JSON that is not an object: ${excerpt(value)}`);
	const row = value as Record<string, unknown>;
	if (typeof row.answer !== 'string') throw new Error(`stdout JSON whose "answer" is not a string: ${excerpt(row.answer ?? null)}`);
	if (!Array.isArray(row.contexts))
		throw new Error(`stdout JSON whose "contexts" is not an array ([] when nothing was retrieved): ${excerpt(row.contexts ?? null)}`);
	const contexts = row.contexts.map((c, i) => toSystemContext(c, {}, `contexts[${i}]`, 'SYSTEM_REQUEST_FAILED'));
	const usage = toSystemUsage(row.usage);
	return { answer: row.answer, contexts, ...(usage ? { usage } : {}) };
}

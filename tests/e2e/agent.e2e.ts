import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, useRoutedEngine } from './support/llm-endpoint.ts';
import { firstSearchHit, lastToolResult, scriptedAgent, searchReadAnswer, type AgentRequestBody } from './support/agent-endpoint.ts';
import { startMcpFixtureServer } from '../support/mcp-fixture-server.ts';

/** Open the demo workspace, then the Agent page with the routed endpoint as its engine. */
async function openAgent(page: Page): Promise<void> {
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('agent-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await expect(page.getByTestId('agent-link')).toHaveAttribute('aria-current', 'page');
	await useRoutedEngine(page);
}

async function runTask(page: Page, task: string): Promise<void> {
	await page.getByLabel('Task', { exact: true }).fill(task);
	await page.getByRole('button', { name: 'Run agent' }).click();
}

test('a scripted agent searches, reads a chunk and answers citing the document, with each step, the tokens and the stop reason shown', async ({
	page
}) => {
	const bodies = (await routeLlm(
		page,
		scriptedAgent(searchReadAnswer('SYNC_CONFLICT', (ref) => `Conflicts are reported as SYNC_CONFLICT (${ref}).`))
	)) as unknown as AgentRequestBody[];
	await openAgent(page);
	const tools = page.getByTestId('agent-tool');
	await expect(tools.filter({ hasText: 'search_documents' }).getByTestId('tool-effect')).toHaveText('read-only');
	await runTask(page, 'How are sync conflicts reported?');

	const result = page.getByTestId('agent-result');
	await expect(result).toHaveAttribute('data-stop', 'final_answer');
	// The model was offered the workspace tools natively, with the loop's limits.
	expect(bodies[0]!.tools?.map((t) => t.function.name)).toEqual(expect.arrayContaining(['search_documents', 'read_chunk']));
	expect(bodies[0]).toMatchObject({ model: 'scripted-test-model', max_tokens: 512 });
	expect(bodies).toHaveLength(3);
	// The hit the model read: the first of the search result it was sent.
	const hit = firstSearchHit(lastToolResult(bodies[1]!));

	const steps = page.getByTestId('agent-step');
	await expect(steps).toHaveCount(3);
	await expect(steps.nth(0).getByTestId('step-text')).toHaveText('I will search the documents.');
	const search = steps.nth(0).getByTestId('agent-call');
	await expect(search).toHaveAttribute('data-status', 'ok');
	await expect(search.getByTestId('call-arguments')).toContainText('"query": "SYNC_CONFLICT"');
	await expect(search.getByTestId('call-result')).toContainText(hit.ref);
	const read = steps.nth(1).getByTestId('agent-call');
	await expect(read).toHaveAttribute('data-tool', 'read_chunk');
	await expect(read).toHaveAttribute('data-status', 'ok');
	await expect(read.getByTestId('call-result')).toContainText('SYNC_CONFLICT');

	await expect(page.getByTestId('agent-answer')).toHaveText(`Conflicts are reported as SYNC_CONFLICT (${hit.ref}).`);
	await expect(page.locator(`[data-testid="agent-citation"][data-ref="${hit.ref}"]`)).toHaveAttribute('data-cited', 'true');
	await expect(page.getByTestId('agent-stop')).toContainText('answered after 3 steps');
	await expect(page.getByTestId('agent-input-tokens')).toHaveText('500');
	await expect(page.getByTestId('agent-output-tokens')).toHaveText('32');
	await expect(page.getByTestId('agent-steps')).toHaveText('3');
	await expect(page.getByTestId('agent-duration')).toHaveText(/\d/);
	await page.getByTestId('agent-trace').locator('summary').click();
	await expect(page.locator('tr[data-span="execute_tool read_chunk"]')).toContainText('assay.tool.status=ok');
});

test('an invalid call comes back as a tool error the model recovers from, and the step limit stops the run with its reason', async ({
	page
}) => {
	const bodies = (await routeLlm(
		page,
		scriptedAgent((_body, turn) =>
			turn === 0
				? { calls: [{ name: 'search_documents', arguments: { top_k: 3 } }] }
				: { text: 'Let me search with a query.', calls: [{ name: 'search_documents', arguments: { query: 'password rotation' } }] }
		)
	)) as unknown as AgentRequestBody[];
	await openAgent(page);
	await page.getByLabel('Max steps').fill('2');
	await runTask(page, 'How often are passwords rotated?');

	await expect(page.getByTestId('agent-result')).toHaveAttribute('data-stop', 'max_steps');
	await expect(page.getByTestId('agent-stop')).toContainText('stopped after 2 steps (maxSteps)');
	const [invalid, valid] = [page.getByTestId('agent-call').nth(0), page.getByTestId('agent-call').nth(1)];
	await expect(invalid).toHaveAttribute('data-status', 'invalid');
	await expect(invalid.getByTestId('call-result')).toContainText('Invalid arguments for search_documents');
	await expect(invalid.getByTestId('call-result')).toContainText('query');
	// The error went back to the model as a tool result, and its next call ran.
	expect(lastToolResult(bodies[1]!)).toContain('Invalid arguments for search_documents');
	await expect(valid).toHaveAttribute('data-status', 'ok');
	await expect(page.getByTestId('agent-answer')).toHaveCount(0);
	expect(bodies).toHaveLength(2);
});

test('a side-effecting MCP call waits for a person: one approved runs on the server, one denied never reaches it', async ({ page }) => {
	const mcp = await startMcpFixtureServer();
	try {
		const bodies = (await routeLlm(
			page,
			scriptedAgent((_body, turn) =>
				turn === 0
					? { calls: [{ name: 'orders__delete_order', arguments: { order_id: 'A-1001' } }] }
					: turn === 1
						? { calls: [{ name: 'orders__delete_order', arguments: { order_id: 'A-1002' } }] }
						: { text: 'Deleted A-1001; A-1002 was kept.' }
			)
		)) as unknown as AgentRequestBody[];
		await openAgent(page);
		await page.getByTestId('mcp-url').fill(mcp.url);
		await page.getByTestId('mcp-label').fill('orders');
		await page.getByTestId('mcp-add').click();
		await expect(page.getByTestId('mcp-server')).toHaveAttribute('data-status', 'connected');
		await page.locator('[data-testid="mcp-tool"][data-tool="delete_order"]').getByTestId('mcp-tool-enable').check();
		const listed = page.locator('[data-testid="agent-tool"][data-tool="orders__delete_order"]');
		await expect(listed.getByTestId('tool-effect')).toHaveText('side-effecting');
		await runTask(page, 'Delete orders A-1001 and A-1002.');

		// The first call waits, showing the whole call; approved, it runs on the server.
		const request = page.getByTestId('approval-request');
		await expect(request).toHaveAttribute('data-tool', 'orders__delete_order');
		await expect(request.getByTestId('approval-arguments')).toContainText('"order_id": "A-1001"');
		expect(mcp.calls).toEqual([]);
		await request.getByRole('button', { name: 'Approve' }).click();
		// The second waits too; denied with a note, it never reaches the server.
		await expect(request.getByTestId('approval-arguments')).toContainText('"order_id": "A-1002"');
		await request.getByLabel('Note for the model').fill('keep A-1002');
		await request.getByRole('button', { name: 'Deny' }).click();

		await expect(page.getByTestId('agent-result')).toHaveAttribute('data-stop', 'final_answer');
		const calls = page.getByTestId('agent-call');
		await expect(calls.nth(0)).toHaveAttribute('data-status', 'ok');
		await expect(calls.nth(0).getByTestId('call-approval')).toContainText('approved by user');
		await expect(calls.nth(0).getByTestId('call-result')).toContainText('Order A-1001 deleted.');
		await expect(calls.nth(1)).toHaveAttribute('data-status', 'denied');
		await expect(calls.nth(1).getByTestId('call-approval')).toContainText('denied by user — keep A-1002');
		await expect(page.getByTestId('agent-approvals')).toHaveText('2');
		expect(lastToolResult(bodies[2]!)).toContain('denied by user: keep A-1002');
		expect(mcp.calls).toEqual([{ tool: 'delete_order', arguments: { order_id: 'A-1001' } }]);
	} finally {
		await mcp.close();
	}
});

test('a repeated identical call stops the run with its reason, and Stop cancels a run while the model is thinking', async ({ page }) => {
	let release: () => void = () => {};
	const held = new Promise<void>((resolve) => (release = resolve));
	const repeat = scriptedAgent(() => ({ calls: [{ name: 'search_documents', arguments: { query: 'vpn' } }] }));
	let requests = 0;
	await routeLlm(page, async (route) => {
		if (++requests <= 2) return repeat(route);
		// The third request (the second run) hangs until the test has pressed Stop.
		await held;
		await route.abort().catch(() => {});
	});
	await openAgent(page);
	await runTask(page, 'How do I connect to the VPN?');
	await expect(page.getByTestId('agent-result')).toHaveAttribute('data-stop', 'repeated_call');
	await expect(page.getByTestId('agent-stop')).toContainText('repeated the call search_documents({"query":"vpn"})');
	// The repeated call was not run again: one call ran.
	await expect(page.locator('[data-testid="agent-call"][data-status="ok"]')).toHaveCount(1);

	await runTask(page, 'How do I connect to the VPN, again?');
	await expect.poll(() => requests).toBe(3);
	await page.getByRole('button', { name: 'Stop', exact: true }).click();
	await expect(page.getByTestId('agent-result')).toHaveAttribute('data-stop', 'cancelled');
	release();
});

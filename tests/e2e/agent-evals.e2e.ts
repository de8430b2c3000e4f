import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv2020 from 'ajv/dist/2020.js';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { routeLlm, useRoutedEngine } from './support/llm-endpoint.ts';
import { lastToolResult, scriptedAgent, type AgentRequestBody, type AgentTurn } from './support/agent-endpoint.ts';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations inside the panel (WCAG 2.x A/AA and best practices), as `rule: targets`. */
async function panelViolations(page: Page): Promise<string[]> {
	await page.evaluate(AXE_SOURCE);
	return page.evaluate(async () => {
		type V = { id: string; impact: string | null; nodes: { target: unknown[] }[] };
		const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: V[] }> } }).axe;
		const { violations } = await axe.run(
			{ include: [['[data-testid="agent-evals"]']] },
			{ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] }
		);
		return violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
	});
}

/** The chunk id of the first search hit in the text the model was sent. */
function firstChunk(result: string): string {
	const m = /\[1\] \S+ — .*?\(chunk ([^,\s)]+)/u.exec(result);
	if (!m) throw new Error(`no hit in the search result the model got:\n${result}`);
	return m[1]!;
}

/**
 * The scripted model for the four demo tasks (picked by the task text): leave and sync-conflict
 * follow the expected calls and pass; release-attachments searches instead of reading the document
 * (its answer passes the check, the tool metrics are 0); abroad answers without a tool and misses
 * the "15" its check wants (fails).
 */
function demoScript(body: AgentRequestBody, turn: number): AgentTurn {
	const task = body.messages.find((m) => m.role === 'user')?.content ?? '';
	if (task.startsWith('How many days of paid annual leave'))
		return turn === 0
			? { calls: [{ name: 'search_documents', arguments: { query: 'annual leave days', top_k: 3 } }] }
			: { text: 'Full-time employees get 26 days of paid annual leave a year (en/handbook.md).' };
	if (task.startsWith('What does error E1042'))
		return turn === 0
			? { calls: [{ name: 'search_documents', arguments: { query: 'E1042 SYNC_CONFLICT' } }] }
			: turn === 1
				? { calls: [{ name: 'read_chunk', arguments: { chunk_id: firstChunk(lastToolResult(body)) } }] }
				: { text: 'The same paragraph changed on two devices: open the conflict copy, merge the text, delete the copy.' };
	if (task.startsWith('In the release notes'))
		return turn === 0
			? { calls: [{ name: 'search_documents', arguments: { query: 'attachment limit 250 MB' } }] }
			: { text: 'Lumen Notes 3.4.0 raised it.' };
	return { text: 'You may work from abroad for up to 20 working days a year.' };
}

test('agent evaluation on the Agent page: the demo tasks run with a scripted endpoint, per-task metrics and the aggregate show, a review overrides one task, and the exported report is assay.agent-eval-report/v1', async ({
	page
}) => {
	const bodies = await routeLlm(page, scriptedAgent(demoScript));
	await page.goto('./');
	await expect(page.getByTestId('index-status')).toContainText('7 documents');
	await page.getByTestId('agent-link').click();
	await expect(page.locator('main')).toHaveAttribute('data-ready', 'true');
	await useRoutedEngine(page);

	const panel = page.getByRole('region', { name: 'Evaluate the agent' });
	await panel.getByRole('button', { name: 'Load the demo tasks' }).click();
	await expect(panel.getByTestId('agent-evals-tasks')).toHaveText('4 tasks from agent-tasks.jsonl');
	await expect(panel.getByTestId('agent-evals-policy')).toContainText('None of the ticked tools is side-effecting.');
	await panel.getByRole('button', { name: 'Run evaluation' }).click();
	await expect(panel.getByTestId('agent-evals-notice')).toHaveText('Evaluated 4 tasks: 3 of 4 succeeded.');
	expect(bodies).toHaveLength(8);

	const rowOf = (id: string) => panel.locator(`[data-testid="agent-eval-row"][data-task="${id}"]`);
	await expect(rowOf('demo-leave')).toHaveAttribute('data-verdict', 'pass');
	await expect(rowOf('demo-leave').getByTestId('row-precision')).toHaveText('1.000');
	await expect(rowOf('demo-leave').getByTestId('row-recall')).toHaveText('1.000');
	await expect(rowOf('demo-leave').getByTestId('row-stop')).toHaveText('final_answer');
	await expect(rowOf('demo-sync-conflict').getByTestId('row-trajectory')).toHaveText('search_documents → read_chunk (in_order: match)');
	await expect(rowOf('demo-sync-conflict').getByTestId('row-steps')).toHaveText('3');
	await expect(rowOf('demo-sync-conflict').getByTestId('row-tokens')).toHaveText('300 / 30');
	await expect(rowOf('demo-release-attachments')).toHaveAttribute('data-verdict', 'pass');
	await expect(rowOf('demo-release-attachments').getByTestId('row-recall')).toHaveText('0.000');
	await expect(rowOf('demo-release-attachments').getByTestId('row-args')).toHaveText('–');
	await expect(rowOf('demo-abroad')).toHaveAttribute('data-verdict', 'fail');
	await expect(rowOf('demo-abroad').getByTestId('row-trajectory')).toHaveText('no calls (exact: no match)');

	const agg = panel.getByTestId('agent-evals-aggregate');
	await expect(agg.getByTestId('agg-task-success')).toHaveText('0.750 (3 of 4; 95 % Wilson 0.301–0.954)');
	await expect(agg.getByTestId('agg-tool-precision')).toHaveText('0.500');
	await expect(agg.getByTestId('agg-tool-recall')).toHaveText('0.500');
	await expect(agg.getByTestId('agg-steps')).toHaveText('2.00');
	await expect(agg.getByTestId('agg-stops')).toHaveText('final_answer 4');

	// A person passes the task the check failed: task success becomes 4 of 4, the run's verdict is kept.
	const abroad = panel.locator('[data-testid="agent-eval-task"][data-task="demo-abroad"]');
	await abroad.locator('summary').click();
	await expect(abroad.getByTestId('task-failures')).toContainText('check says-15 failed');
	await abroad.getByLabel('Review note for demo-abroad').fill('20 days is the main point');
	await abroad.getByRole('button', { name: 'Review demo-abroad as pass' }).click();
	await expect(abroad.getByTestId('task-review-state')).toHaveText('Reviewed pass (the run said fail)');
	await expect(agg.getByTestId('agg-task-success')).toContainText('1.000 (4 of 4;');
	await expect(rowOf('demo-abroad').getByTestId('row-reviewed')).toBeVisible();
	expect(await panelViolations(page)).toEqual([]);

	const download = page.waitForEvent('download');
	await panel.getByRole('button', { name: 'Download report JSON' }).click();
	const report = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
		schema: string;
		perTask: { id: string; review?: { pass: boolean; notes: string; automaticTaskSuccess: boolean | null } }[];
		aggregate: { taskSuccess: { passed: number; n: number } };
		system: { approval: { policy: string }; model: { id: string } };
	};
	const schema = JSON.parse(readFileSync('schemas/agent-eval-report.v1.schema.json', 'utf8')) as object;
	const validate = new Ajv2020({ strict: false }).compile(schema);
	expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
	expect(report.schema).toBe('assay.agent-eval-report/v1');
	expect(report.system).toMatchObject({ approval: { policy: 'deny' }, model: { id: 'scripted-test-model' } });
	expect(report.aggregate.taskSuccess).toMatchObject({ passed: 4, n: 4 });
	expect(report.perTask.find((r) => r.id === 'demo-abroad')?.review).toMatchObject({
		pass: true,
		notes: '20 days is the main point',
		automaticTaskSuccess: false
	});
});

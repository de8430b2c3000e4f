import type { ChatModel } from '$lib/generation/types.ts';
import type { EvalReport } from '$lib/evals/report/types.ts';
import {
	pairReports,
	parseRouterSpec,
	classifyCases,
	routingReport,
	type ClassifierOutcome,
	type RoutingReport
} from '$lib/evals/routing/index.ts';
import { AssayError } from '$lib/shared/errors.ts';

/**
 * The Answer evals page's routing panel, outside Svelte: which stored reports can be routed
 * between (answer runs), the starting router, and one evaluation as `assay route-eval` does it
 * (docs/routing.md) — the same domain functions, so the page and the CLI give the same report.
 */

/** The router the panel starts with: hard-looking questions to the strong model. */
export const STARTER_ROUTER = {
	schema: 'assay.router/v1',
	kind: 'rules',
	id: 'hard-to-strong',
	version: 1,
	rules: [
		{ route: 'strong', keywords: ['compare', 'why', 'explain', 'difference'] },
		{ route: 'strong', queryWordsAtLeast: 25 }
	],
	default: 'cheap'
} as const;

/** Reports with an answers section (routing compares answer runs). */
export function routableReports(reports: readonly EvalReport[]): EvalReport[] {
	return reports.filter((r) => r.answers && r.status !== 'cancelled');
}

/** What the panel asks for. Texts as typed. */
export interface RoutingRequest {
	readonly cheap: EvalReport;
	readonly strong: EvalReport;
	readonly routerText: string;
	readonly marginText: string;
	readonly alphaText: string;
	readonly tune: boolean;
	/** The model a classifier router asks (the answering role's engine); called only for classifier routers. */
	readonly classifier: () => ChatModel;
	readonly nowMs: number;
}

function numberFrom(text: string, name: string): number {
	const value = Number(text.trim());
	if (text.trim() === '' || !Number.isFinite(value)) throw new AssayError('CONFIG_INVALID', `${name} must be a number, received "${text}"`);
	return value;
}

/**
 * Evaluate the router on the two reports.
 * @throws AssayError `CONFIG_INVALID` (router JSON, margin, alpha), `DATASET_INVALID` (reports), or the classifier's error when it answered no case.
 */
export async function evaluateRouter(req: RoutingRequest): Promise<RoutingReport> {
	let json: unknown;
	try {
		json = JSON.parse(req.routerText);
	} catch (error) {
		throw new AssayError('CONFIG_INVALID', `The router is not JSON: ${(error as Error).message}`);
	}
	const router = parseRouterSpec(json);
	const margin = numberFrom(req.marginText, 'The margin');
	const alpha = numberFrom(req.alphaText, 'Alpha');
	const paired = pairReports(req.cheap, req.strong);
	let classified: ClassifierOutcome[] | undefined;
	let classifierModel: string | undefined;
	if (router.kind === 'classifier') {
		const model = req.classifier();
		classifierModel = model.modelId;
		classified = await classifyCases(router, model, paired.cases);
		const first = classified[0];
		if (first && classified.every((o) => 'error' in o) && 'error' in first)
			throw new AssayError('LLM_REQUEST_FAILED', `The classifier model answered no case: ${first.error.message}`);
	}
	return routingReport({
		paired,
		goldenSetId: req.cheap.dataset.goldenSetId,
		cheapReportId: req.cheap.id,
		strongReportId: req.strong.id,
		router,
		margin,
		alpha,
		tune: req.tune,
		...(classified ? { classified, classifierModel } : {}),
		createdAtMs: req.nowMs
	});
}

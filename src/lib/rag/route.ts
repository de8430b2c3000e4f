import { toErrorData } from '../shared/errors.ts';
import type { ChatModel, SourceChunk } from '../generation/index.ts';
import {
	describeRule,
	matchingRule,
	routeByClassifier,
	type Route,
	type RouteInput,
	type RouterRule,
	type RouterSpec
} from '../evals/routing/router.ts';

/**
 * Live model routing for one answer (the Ask page; docs/routing.md "Routing live"): after
 * retrieval and before the prompt is packed, a router (`assay.router/v1`, the same spec
 * `assay route-eval` accepts) picks the cheap or the strong model. Rules routers see the
 * question and the top retrieved chunk's score; classifier routers ask the cheap model with
 * their versioned prompt (a failed or unreadable reply takes the router's fallback).
 */
export interface AnswerRouting {
	readonly router: RouterSpec;
	readonly models: { readonly cheap: ChatModel; readonly strong: ChatModel };
}

/** What the router decided, shown with the answer and kept on its `rag.answer` span (`assay.route.*`). */
export interface RouteDecision {
	readonly route: Route;
	/** `id@version` of the router. */
	readonly router: string;
	/** The model that answers (`modelId` of the routed ChatModel). */
	readonly modelId: string;
	/** Why, in words: `rule 1: keyword why|compare`, `default route`, `classifier: hard`, `classifier failed (…): fallback`. */
	readonly reason: string;
	/** The top retrieved score the router saw (null: nothing retrieved or no score). */
	readonly topScore: number | null;
}

/** The top retrieved chunk's score, when it carries one (search hits do). */
export function topScoreOf(chunks: readonly SourceChunk[]): number | null {
	const score = (chunks[0] as (SourceChunk & { score?: unknown }) | undefined)?.score;
	return typeof score === 'number' && Number.isFinite(score) ? score : null;
}

/**
 * Decide the route of `question` given what was retrieved. Never throws for a classifier
 * failure: the router's `fallback` answers, and the reason says what failed.
 */
export async function decideRoute(
	routing: AnswerRouting,
	question: string,
	chunks: readonly SourceChunk[],
	signal?: AbortSignal
): Promise<{ model: ChatModel; decision: RouteDecision }> {
	const { router, models } = routing;
	const input: RouteInput = { query: question, topScore: topScoreOf(chunks) };
	let route: Route;
	let reason: string;
	if (router.kind === 'rules') {
		const at = matchingRule(router, input);
		route = at < 0 ? router.default : (router.rules[at] as RouterRule).route;
		reason = at < 0 ? 'default route' : `rule ${at + 1}: ${describeRule(router.rules[at] as RouterRule)}`;
	} else {
		try {
			const classified = await routeByClassifier(router, models.cheap, input, signal);
			route = classified.route;
			reason = classified.label ? `classifier: ${classified.label}` : `classifier reply without a known label: fallback`;
		} catch (error) {
			route = router.fallback;
			reason = `classifier failed (${toErrorData(error).message}): fallback`;
		}
	}
	const model = models[route];
	return {
		model,
		decision: { route, router: `${router.id}@${router.version}`, modelId: model.modelId, reason, topScore: input.topScore }
	};
}

/** The `rag.answer` span attributes of a decision. */
export function routeAttributes(decision: RouteDecision): Record<string, string | number> {
	return {
		'assay.route.route': decision.route,
		'assay.route.router': decision.router,
		'assay.route.model': decision.modelId,
		'assay.route.reason': decision.reason,
		...(decision.topScore !== null ? { 'assay.route.top_score': decision.topScore } : {})
	};
}

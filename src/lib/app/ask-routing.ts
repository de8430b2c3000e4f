import { OpenAiChatModel } from '$lib/adapters/openai-chat.ts';
import { parseRouterSpec, type RouterSpec } from '$lib/evals/routing/index.ts';
import type { AnswerRouting } from '$lib/rag/index.ts';
import { AssayError } from '$lib/shared/errors.ts';
import { openAiEndpointOf, validateEndpoint } from './ask-endpoint.ts';
import type { EndpointProfile } from './profiles/profiles.ts';
import { STARTER_ROUTER } from './routing-panel.ts';
import { readPref, writePref } from './workspace-prefs.ts';

const PREF = 'askRouting';

/**
 * The Ask page's live routing setting of a workspace (localStorage `assay.askRouting.<workspaceId>`):
 * on/off, the router spec as typed (`assay.router/v1` JSON, the spec `assay route-eval` and the
 * Answer evals routing panel accept) and the endpoint profiles of the cheap and strong models.
 */
export interface AskRoutingSettings {
	readonly enabled: boolean;
	readonly routerText: string;
	/** Profile ids; '' = not chosen yet. */
	readonly cheapProfileId: string;
	readonly strongProfileId: string;
}

/** Off, with the starter router (hard-looking questions to the strong model). */
export const DEFAULT_ASK_ROUTING: AskRoutingSettings = {
	enabled: false,
	routerText: JSON.stringify(STARTER_ROUTER, null, 2),
	cheapProfileId: '',
	strongProfileId: ''
};

/** Read the workspace's setting; anything absent or malformed reads as {@link DEFAULT_ASK_ROUTING}. */
export function loadAskRouting(storage: Storage, workspaceId: string): AskRoutingSettings {
	const stored = readPref(storage, PREF, workspaceId);
	if (stored.kind !== 'value' || typeof stored.value !== 'object' || stored.value === null) return DEFAULT_ASK_ROUTING;
	const v = stored.value as Record<string, unknown>;
	const text = (x: unknown, fallback: string) => (typeof x === 'string' ? x : fallback);
	return {
		enabled: v.enabled === true,
		routerText: text(v.routerText, DEFAULT_ASK_ROUTING.routerText),
		cheapProfileId: text(v.cheapProfileId, ''),
		strongProfileId: text(v.strongProfileId, '')
	};
}

/** Store the workspace's setting (as typed: a router that does not parse is kept so the user can fix it). */
export function saveAskRouting(storage: Storage, workspaceId: string, settings: AskRoutingSettings): void {
	writePref(storage, PREF, workspaceId, settings);
}

/** The router the text describes, or the reason it does not parse (shown next to the field). */
export function readRouter(text: string): { router: RouterSpec; error: null } | { router: null; error: string } {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		return { router: null, error: `Router spec is not JSON: ${(error as Error).message}` };
	}
	try {
		return { router: parseRouterSpec(value), error: null };
	} catch (error) {
		return { router: null, error: (error as Error).message };
	}
}

/**
 * The routing of one answer: the parsed router and a chat model per route from its endpoint profile.
 * @throws AssayError `CONFIG_INVALID` when the router does not parse or a profile is missing, the
 *   same for both routes, or its endpoint is incomplete (`validateEndpoint`).
 */
export function buildAskRouting(settings: AskRoutingSettings, profiles: readonly EndpointProfile[]): AnswerRouting {
	const parsed = readRouter(settings.routerText);
	if (parsed.router === null) throw new AssayError('CONFIG_INVALID', parsed.error);
	const profileOf = (id: string, route: string): EndpointProfile => {
		const profile = profiles.find((p) => p.id === id);
		if (!profile) throw new AssayError('CONFIG_INVALID', `Routing: choose the endpoint profile of the ${route} model.`);
		validateEndpoint(profile.endpoint);
		return profile;
	};
	const cheap = profileOf(settings.cheapProfileId, 'cheap');
	const strong = profileOf(settings.strongProfileId, 'strong');
	if (cheap.id === strong.id)
		throw new AssayError('CONFIG_INVALID', 'Routing: the cheap and the strong model must be two different profiles.');
	return {
		router: parsed.router,
		models: { cheap: new OpenAiChatModel(openAiEndpointOf(cheap.endpoint)), strong: new OpenAiChatModel(openAiEndpointOf(strong.endpoint)) }
	};
}

/** The line shown with a routed answer: `Routed to strong (gpt-4o) · rule 1: keyword why|compare · router hard-to-strong@1`. */
export function routeLabel(decision: { route: string; modelId: string; reason: string; router: string }): string {
	return `Routed to ${decision.route} (${decision.modelId}) · ${decision.reason} · router ${decision.router}`;
}

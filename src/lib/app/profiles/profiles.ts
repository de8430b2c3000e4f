import { DEFAULT_ENDPOINT, loadEndpointFrom, type EndpointSettings } from '../ask-endpoint.ts';
import type { EngineKind } from '../answer-engine.ts';

/**
 * Settings profiles ("Models and endpoints"): named OpenAI-compatible endpoints entered once and
 * picked by name for each role (answering model, judge) on every page that needs one. Which
 * profile and engine a role uses is remembered per workspace. API keys stay in memory unless the
 * profile's `storeKey` is set (then they are written to localStorage with it).
 */

/** One named endpoint. */
export interface EndpointProfile {
	/** Stable id (`p-1`, `p-2`, … or migrated ids); never shown. */
	readonly id: string;
	/** Unique, non-empty display name; what pages pick. */
	name: string;
	endpoint: EndpointSettings;
}

/** The roles a chat model plays. */
export type ChatRole = 'answer' | 'judge';
export const CHAT_ROLES: readonly ChatRole[] = ['answer', 'judge'];

/** What a role uses: the in-browser model, or an endpoint profile. */
export interface RoleChoice {
	engine: EngineKind;
	/** The endpoint profile (used when `engine` is `endpoint`). */
	profileId: string;
}

export type RoleChoices = Record<ChatRole, RoleChoice>;

/** localStorage keys. */
export const PROFILES_KEY = 'assay.profiles.v1';
export const rolesKey = (workspaceId: string | null) => (workspaceId ? `assay.profileRoles.${workspaceId}` : 'assay.profileRoles');
/** Keys of the single endpoints of earlier versions (migrated into the first two profiles). */
const LEGACY_ANSWER_KEY = 'assay.llmEndpoint';
const LEGACY_JUDGE_KEY = 'assay.judgeEndpoint';

/** A profile as stored: the key only when `storeKey`. */
function stored(p: EndpointProfile): object {
	const e = p.endpoint;
	return {
		id: p.id,
		name: p.name,
		baseUrl: e.baseUrl,
		model: e.model,
		storeKey: e.storeKey,
		idleTimeoutMs: e.idleTimeoutMs,
		...(e.storeKey ? { apiKey: e.apiKey } : {})
	};
}

/** Serialise profiles for localStorage (keys only where the user chose to keep them). */
export function serialiseProfiles(profiles: readonly EndpointProfile[]): string {
	return JSON.stringify({ version: 1, profiles: profiles.map(stored) });
}

/**
 * Read stored profiles; on a first run (nothing stored) migrate the earlier single answering and
 * judge endpoints into two profiles, "Answering endpoint" and "Judge endpoint". Unreadable or
 * invalid entries are dropped (the rest still load); names are made unique.
 */
export function loadProfiles(storage: Storage): EndpointProfile[] {
	const raw = storage.getItem(PROFILES_KEY);
	if (raw === null)
		return [
			{ id: 'p-answer', name: 'Answering endpoint', endpoint: loadEndpointFrom(storage, LEGACY_ANSWER_KEY) },
			{ id: 'p-judge', name: 'Judge endpoint', endpoint: loadEndpointFrom(storage, LEGACY_JUDGE_KEY) }
		];
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		parsed = null;
	}
	const list = (parsed as { profiles?: unknown } | null)?.profiles;
	const out: EndpointProfile[] = [];
	for (const item of Array.isArray(list) ? list : []) {
		if (typeof item !== 'object' || item === null) continue;
		const r = item as Record<string, unknown>;
		if (typeof r.id !== 'string' || typeof r.name !== 'string' || r.name.trim() === '') continue;
		if (out.some((p) => p.id === r.id)) continue;
		out.push({
			id: r.id,
			name: uniqueName(
				r.name.trim(),
				out.map((p) => p.name)
			),
			endpoint: {
				baseUrl: typeof r.baseUrl === 'string' ? r.baseUrl : DEFAULT_ENDPOINT.baseUrl,
				model: typeof r.model === 'string' ? r.model : '',
				storeKey: r.storeKey === true,
				apiKey: r.storeKey === true && typeof r.apiKey === 'string' ? r.apiKey : '',
				idleTimeoutMs:
					typeof r.idleTimeoutMs === 'number' && Number.isFinite(r.idleTimeoutMs) ? r.idleTimeoutMs : DEFAULT_ENDPOINT.idleTimeoutMs
			}
		});
	}
	return out.length > 0 ? out : [{ id: 'p-answer', name: 'Answering endpoint', endpoint: { ...DEFAULT_ENDPOINT } }];
}

/** `name`, or `name (2)`, `name (3)`, … — the first not in `taken` (compared case-insensitively). */
export function uniqueName(name: string, taken: readonly string[]): string {
	const lower = new Set(taken.map((t) => t.toLowerCase()));
	if (!lower.has(name.toLowerCase())) return name;
	let n = 2;
	while (lower.has(`${name} (${n})`.toLowerCase())) n++;
	return `${name} (${n})`;
}

/**
 * The role choices of a workspace: its own when stored, else the last choices made anywhere,
 * else answer → the first profile and judge → the second (or the first). Choices naming a
 * profile that no longer exists fall back the same way.
 */
export function loadRoles(storage: Storage, workspaceId: string | null, profiles: readonly EndpointProfile[]): RoleChoices {
	const fallback: RoleChoices = {
		answer: { engine: 'endpoint', profileId: profiles[0]?.id ?? '' },
		judge: { engine: 'endpoint', profileId: (profiles[1] ?? profiles[0])?.id ?? '' }
	};
	const read = (key: string): Partial<Record<ChatRole, Partial<RoleChoice>>> | null => {
		try {
			return JSON.parse(storage.getItem(key) ?? 'null');
		} catch {
			return null;
		}
	};
	const saved = (workspaceId ? read(rolesKey(workspaceId)) : null) ?? read(rolesKey(null)) ?? {};
	const out = { ...fallback };
	for (const role of CHAT_ROLES) {
		const s = saved[role];
		if (!s) continue;
		out[role] = {
			engine: s.engine === 'webllm' ? 'webllm' : 'endpoint',
			profileId: profiles.some((p) => p.id === s.profileId) ? (s.profileId as string) : fallback[role].profileId
		};
	}
	return out;
}

/** Store the role choices for `workspaceId` and as the default for workspaces without their own. */
export function saveRoles(storage: Storage, workspaceId: string | null, roles: RoleChoices): void {
	const text = JSON.stringify(roles);
	storage.setItem(rolesKey(null), text);
	if (workspaceId) storage.setItem(rolesKey(workspaceId), text);
}

import { AssayError } from '$lib/shared/errors.ts';
import { DEFAULT_ENDPOINT, type EndpointSettings } from '../ask-endpoint.ts';
import type { EngineKind } from '../answer-engine.ts';
import {
	loadProfiles,
	loadRoles,
	PROFILES_KEY,
	saveRoles,
	serialiseProfiles,
	uniqueName,
	type ChatRole,
	type EndpointProfile,
	type RoleChoices
} from './profiles.ts';

/**
 * The app's settings profiles (Svelte 5 runes), one store in the app context: every page edits
 * and reads the same profile objects, so an endpoint (and its in-memory key) typed on Ask is the
 * one Answer evals and the judge use. Role choices follow the app's workspace.
 */
export class ProfileStore {
	profiles = $state<EndpointProfile[]>([]);
	roles = $state<RoleChoices>({ answer: { engine: 'endpoint', profileId: '' }, judge: { engine: 'endpoint', profileId: '' } });
	private workspaceId: string | null = null;
	private next = 1;

	constructor(private readonly storage: Storage) {
		this.profiles = loadProfiles(storage);
		this.roles = loadRoles(storage, null, this.profiles);
	}

	/** Load the role choices remembered for `workspaceId` (profiles themselves are app-wide). */
	useWorkspace(workspaceId: string | null): void {
		if (workspaceId === this.workspaceId) return;
		this.workspaceId = workspaceId;
		this.roles = loadRoles(this.storage, workspaceId, this.profiles);
	}

	/** The profile a role uses. */
	profileFor(role: ChatRole): EndpointProfile {
		return this.profiles.find((p) => p.id === this.roles[role].profileId) ?? this.profiles[0]!;
	}

	/** The live endpoint settings of a role's profile (editing them edits the profile). */
	endpointFor(role: ChatRole): EndpointSettings {
		return this.profileFor(role).endpoint;
	}

	engineOf(role: ChatRole): EngineKind {
		return this.roles[role].engine;
	}

	/** Pick the engine of a role (remembered for the workspace). */
	setEngine(role: ChatRole, engine: EngineKind): void {
		this.roles[role].engine = engine;
		this.saveRoles();
	}

	/** Pick the profile of a role by id (remembered for the workspace). */
	pick(role: ChatRole, profileId: string): void {
		if (!this.profiles.some((p) => p.id === profileId)) throw new AssayError('CONFIG_INVALID', `No profile with id "${profileId}".`);
		this.roles[role].profileId = profileId;
		this.saveRoles();
	}

	/** Add a profile (a copy of `from`'s settings without its key, else the defaults); returns it. */
	add(name: string, from?: EndpointProfile): EndpointProfile {
		let id = `p-${this.next++}`;
		while (this.profiles.some((p) => p.id === id)) id = `p-${this.next++}`;
		const base = from ? { ...from.endpoint, apiKey: '', storeKey: false } : { ...DEFAULT_ENDPOINT };
		const profile: EndpointProfile = {
			id,
			name: uniqueName(
				name.trim() || 'Endpoint',
				this.profiles.map((p) => p.name)
			),
			endpoint: base
		};
		this.profiles.push(profile);
		this.save();
		return this.profiles.at(-1)!;
	}

	/** Rename a profile (names stay unique and non-empty). */
	rename(id: string, name: string): void {
		const profile = this.profiles.find((p) => p.id === id);
		if (!profile || name.trim() === '') return;
		profile.name = uniqueName(
			name.trim(),
			this.profiles.filter((p) => p.id !== id).map((p) => p.name)
		);
		this.save();
	}

	/** Remove a profile; the last one cannot be removed. Roles that used it fall back to the first profile. */
	remove(id: string): void {
		if (this.profiles.length <= 1) return;
		this.profiles = this.profiles.filter((p) => p.id !== id);
		for (const role of ['answer', 'judge'] as const)
			if (this.roles[role].profileId === id) this.roles[role].profileId = this.profiles[0]!.id;
		this.save();
		this.saveRoles();
	}

	/** Store every profile (keys only where `storeKey`). Pages call it after a request used the settings. */
	save(): void {
		this.storage.setItem(PROFILES_KEY, serialiseProfiles($state.snapshot(this.profiles) as EndpointProfile[]));
	}

	private saveRoles(): void {
		saveRoles(this.storage, this.workspaceId, $state.snapshot(this.roles) as RoleChoices);
	}
}

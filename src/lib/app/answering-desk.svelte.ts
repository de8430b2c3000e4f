import type { WorkspaceRecord } from '$lib/ingest/types.ts';
import type { AppCore } from './app-core.svelte.ts';
import type { EndpointSettings } from './ask-endpoint.ts';
import { describe } from './describe.ts';

/**
 * What the Ask and Agent pages share: both answer with the answering role's engine (an
 * in-browser model or an endpoint profile, remembered per workspace and shared with Answer evals)
 * and both open the app's workspace when shown. A page's desk extends this and adds its run.
 */
export abstract class AnsweringDesk {
	ready = $state(false);
	/** Why the page could not start or open its workspace (shown); null when fine. */
	error = $state<string | null>(null);
	/** The workspace this desk last opened: opened again when another page switched it. */
	protected openedWorkspaceId: string | null = null;

	constructor(protected readonly app: AppCore) {}

	get workspaces(): WorkspaceRecord[] {
		return this.app.workspaces;
	}
	get workspaceId(): string | null {
		return this.app.workspaceId;
	}
	/** The in-browser model (the app's one LLM manager). */
	get llm() {
		return this.app.llm;
	}
	/** Which engine answers (the answering role's choice, remembered per workspace). */
	get engineKind(): 'endpoint' | 'webllm' {
		return this.app.profiles.engineOf('answer');
	}
	/** The answering role's endpoint profile settings (shared with Answer evals). */
	get endpoint(): EndpointSettings {
		return this.app.profiles.endpointFor('answer');
	}

	/** The page is shown: start the app if needed and open the app's workspace (again if another page switched it). */
	async show(): Promise<void> {
		try {
			await this.app.start();
			const pick = this.app.initialWorkspace();
			if (pick && pick.id !== this.openedWorkspaceId) await this.selectWorkspace(pick.id);
		} catch (error) {
			this.error = describe(error);
		}
		if (this.engineKind === 'webllm') this.app.startLlm();
		this.ready = true;
	}

	/** Switch engines; the in-browser one probes the GPU and its cache on first use only (web-llm loads lazily). */
	useEngine(kind: 'endpoint' | 'webllm'): void {
		this.app.profiles.setEngine('answer', kind);
		if (kind === 'webllm') this.app.startLlm();
	}

	/** Make `id` the app's workspace and open what this page needs of it. */
	async selectWorkspace(id: string): Promise<void> {
		this.app.setWorkspace(id);
		this.openedWorkspaceId = id;
		await this.openWorkspace(id);
	}

	/** Open the workspace in the library worker (a page adds what else it loads per workspace). */
	protected async openWorkspace(id: string): Promise<void> {
		await this.app.api.openWorkspace(id);
	}
}

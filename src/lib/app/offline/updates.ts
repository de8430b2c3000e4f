import { SKIP_WAITING_MESSAGE } from './policy.ts';

/**
 * Service worker registration and "an update is ready" (issue 13, item 5). The page registers
 * `service-worker.js` itself (`kit.serviceWorker.register: false`) so it can see a new worker
 * that has installed and waits behind the one controlling the page; the user then reloads onto
 * it (never mid-task by surprise). Written against the small interfaces below so tests drive
 * it with fakes; in the browser they are `navigator.serviceWorker` and its registration.
 */

/** A `ServiceWorker`: `state` is `installing` | `installed` | `activating` | `activated` | `redundant`. */
export interface WorkerLike extends EventTarget {
	readonly state: string;
	postMessage(message: unknown): void;
}

/** A `ServiceWorkerRegistration`. */
export interface RegistrationLike extends EventTarget {
	readonly installing: WorkerLike | null;
	readonly waiting: WorkerLike | null;
	update(): Promise<unknown>;
}

/** A `ServiceWorkerContainer` (`navigator.serviceWorker`). */
export interface ContainerLike extends EventTarget {
	readonly controller: unknown;
	register(url: string): Promise<RegistrationLike>;
}

/**
 * Watches one registration for a waiting update.
 * - `onReady(true)` when a new worker has installed while another controls the page (a first
 *   install, with no controller yet, is not an update and says nothing);
 * - {@link apply} tells the waiting worker to skip waiting and calls `reload` once, when it has
 *   taken control (`controllerchange`) — not on the first install's `clients.claim()`.
 */
export class UpdateWatcher {
	private registration: RegistrationLike | null = null;
	private applying = false;

	constructor(
		private readonly container: ContainerLike,
		private readonly reload: () => void,
		private readonly onReady: (ready: boolean) => void
	) {}

	/**
	 * Register `url` and start watching. Resolves once registered.
	 * @throws whatever `register` throws (insecure origin, missing file): the caller logs it; the
	 *   site keeps working online without a worker.
	 */
	async start(url: string): Promise<void> {
		const registration = await this.container.register(url);
		this.registration = registration;
		this.container.addEventListener('controllerchange', () => {
			if (!this.applying) return;
			this.applying = false;
			this.reload();
		});
		if (registration.waiting && this.container.controller) this.onReady(true);
		registration.addEventListener('updatefound', () => {
			const worker = registration.installing;
			if (!worker) return;
			worker.addEventListener('statechange', () => {
				if (worker.state === 'installed' && this.container.controller) this.onReady(true);
			});
		});
	}

	/** Look for a newer worker now (e.g. when the tab becomes visible again). */
	async check(): Promise<void> {
		await this.registration?.update();
	}

	/** Move onto the waiting worker and reload when it controls the page. No waiting worker: nothing. */
	apply(): void {
		const waiting = this.registration?.waiting;
		if (!waiting) return;
		this.applying = true;
		this.onReady(false);
		waiting.postMessage(SKIP_WAITING_MESSAGE);
	}
}

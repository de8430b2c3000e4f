import { describe, expect, it } from 'vitest';
import { SKIP_WAITING_MESSAGE } from '../../../../src/lib/app/offline/policy.ts';
import { UpdateWatcher, type ContainerLike, type RegistrationLike, type WorkerLike } from '../../../../src/lib/app/offline/updates.ts';

class FakeWorker extends EventTarget implements WorkerLike {
	state = 'installing';
	messages: unknown[] = [];
	postMessage(message: unknown): void {
		this.messages.push(message);
	}
	become(state: string): void {
		this.state = state;
		this.dispatchEvent(new Event('statechange'));
	}
}

class FakeRegistration extends EventTarget implements RegistrationLike {
	installing: FakeWorker | null = null;
	waiting: FakeWorker | null = null;
	updates = 0;
	async update(): Promise<void> {
		this.updates++;
	}
	/** A new worker appears and installs (it then waits, as the page has a controller). */
	install(worker: FakeWorker): void {
		this.installing = worker;
		this.dispatchEvent(new Event('updatefound'));
		this.installing = null;
		this.waiting = worker;
		worker.become('installed');
	}
}

class FakeContainer extends EventTarget implements ContainerLike {
	controller: unknown = null;
	registered: string[] = [];
	constructor(readonly registration = new FakeRegistration()) {
		super();
	}
	async register(url: string): Promise<RegistrationLike> {
		this.registered.push(url);
		return this.registration;
	}
	takeControl(worker: unknown): void {
		this.controller = worker;
		this.dispatchEvent(new Event('controllerchange'));
	}
}

function setup(controlled: boolean) {
	const container = new FakeContainer();
	if (controlled) container.controller = new FakeWorker();
	const ready: boolean[] = [];
	let reloads = 0;
	const watcher = new UpdateWatcher(
		container,
		() => reloads++,
		(r) => ready.push(r)
	);
	return { container, watcher, ready, reloads: () => reloads };
}

describe('UpdateWatcher', () => {
	it('says nothing on a first install and does not reload when that worker claims the page', async () => {
		const { container, watcher, ready, reloads } = setup(false);
		await watcher.start('/service-worker.js');
		const first = new FakeWorker();
		container.registration.install(first);
		container.takeControl(first);
		expect(container.registered).toEqual(['/service-worker.js']);
		expect(ready).toEqual([]);
		expect(reloads()).toBe(0);
	});

	it('reports an update when a new worker installs behind the controlling one', async () => {
		const { container, watcher, ready } = setup(true);
		await watcher.start('/service-worker.js');
		container.registration.install(new FakeWorker());
		expect(ready).toEqual([true]);
	});

	it('reports a worker already waiting at registration (installed during an earlier visit)', async () => {
		const { container, watcher, ready } = setup(true);
		container.registration.waiting = new FakeWorker();
		await watcher.start('/service-worker.js');
		expect(ready).toEqual([true]);
	});

	it('tells the waiting worker to skip waiting and reloads once, when it controls the page', async () => {
		const { container, watcher, ready, reloads } = setup(true);
		await watcher.start('/service-worker.js');
		const next = new FakeWorker();
		container.registration.install(next);
		watcher.apply();
		expect(next.messages).toEqual([SKIP_WAITING_MESSAGE]);
		expect(ready).toEqual([true, false]);
		expect(reloads()).toBe(0);
		container.takeControl(next);
		container.takeControl(new FakeWorker());
		expect(reloads()).toBe(1);
	});

	it('does nothing on apply without a waiting worker, and checks for updates on request', async () => {
		const { container, watcher, reloads } = setup(true);
		await watcher.start('/service-worker.js');
		watcher.apply();
		container.takeControl(new FakeWorker());
		await watcher.check();
		expect(reloads()).toBe(0);
		expect(container.registration.updates).toBe(1);
	});
});

/**
 * Browser storage use (`navigator.storage.estimate()`) and persistence
 * (`navigator.storage.persist()`, which must follow a user gesture).
 */
export class StorageUsage {
	usageBytes = $state<number | null>(null);
	quotaBytes = $state<number | null>(null);
	persisted = $state<boolean | null>(null);
	/** Set after a persistence request the browser declined. */
	persistDeclined = $state(false);

	async refresh(): Promise<void> {
		if (!navigator.storage?.estimate) return;
		const estimate = await navigator.storage.estimate();
		this.usageBytes = estimate.usage ?? null;
		this.quotaBytes = estimate.quota ?? null;
		this.persisted = (await navigator.storage.persisted?.()) ?? null;
	}

	/** Ask the browser to keep our data under storage pressure. Call from a click handler. */
	async requestPersistence(): Promise<void> {
		if (!navigator.storage?.persist) return;
		const granted = await navigator.storage.persist();
		this.persisted = granted;
		this.persistDeclined = !granted;
	}
}

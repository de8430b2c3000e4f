/** In-memory `Storage` for Node tests (Node has no localStorage); not a test file. */
export class MemoryStorage implements Storage {
	private readonly map = new Map<string, string>();
	get length(): number {
		return this.map.size;
	}
	clear(): void {
		this.map.clear();
	}
	getItem(k: string): string | null {
		return this.map.get(k) ?? null;
	}
	key(i: number): string | null {
		return [...this.map.keys()][i] ?? null;
	}
	removeItem(k: string): void {
		this.map.delete(k);
	}
	setItem(k: string, v: string): void {
		this.map.set(k, String(v));
	}
}

/** A {@link MemoryStorage} holding `initial`. */
export function memoryStorage(initial: Record<string, string> = {}): Storage {
	const storage = new MemoryStorage();
	for (const [k, v] of Object.entries(initial)) storage.setItem(k, v);
	return storage;
}

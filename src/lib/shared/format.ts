/** Formatting helpers for messages and the UI. */

/** Bytes with binary prefixes (`1.5 MiB`). */
export function formatBytes(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Milliseconds with a sensible precision (`0.42 ms`, `12 ms`, `3.1 s`). */
export function formatMs(ms: number): string {
	if (ms < 1) return `${ms.toFixed(2)} ms`;
	if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
	return `${(ms / 1000).toFixed(1)} s`;
}

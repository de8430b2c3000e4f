/** Formatting for components (re-exported so UI code depends on the app layer only). */
export { formatBytes, formatMs } from '$lib/shared/format.ts';

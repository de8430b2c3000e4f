// The one function of Svelte's untyped client runtime the RPC tests use (what `$state` compiles to).
declare module 'svelte/internal/client' {
	export function proxy<T>(value: T): T;
}

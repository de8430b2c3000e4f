/**
 * Server-sent events reader for OpenAI-style streams: yields the `data:` payload of each event
 * (multi-line data joined with `\n`, as the SSE spec says; `data:` with or without its one
 * optional space); comments (`: keep-alive`, bare `:`) and other fields are ignored. CRLF, CR
 * and LF all end a line, also when split across reads.
 * `onBytes` is called for every non-empty read, comments included, before any event of it is
 * yielded: servers send keep-alive comments during a long prefill precisely so that idle
 * timeouts see them as signs of life (case sse-01).
 * Source: WHATWG HTML §9.2 "Server-sent events", event stream interpretation.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>, signal?: AbortSignal, onBytes?: () => void): AsyncGenerator<string> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	const onAbort = () => void reader.cancel().catch(() => {});
	signal?.addEventListener('abort', onAbort, { once: true });
	let buffer = '';
	let data: string[] = [];
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			if (value.byteLength > 0) onBytes?.();
			buffer += decoder.decode(value, { stream: true });
			let nl: number;
			while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
				const line = buffer.slice(0, nl);
				buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
				if (line === '') {
					if (data.length > 0) yield data.join('\n');
					data = [];
				} else if (line.startsWith('data:')) {
					data.push(line.slice(line[5] === ' ' ? 6 : 5));
				}
			}
		}
		if (buffer.startsWith('data:')) data.push(buffer.slice(buffer[5] === ' ' ? 6 : 5));
		if (data.length > 0) yield data.join('\n');
	} finally {
		signal?.removeEventListener('abort', onAbort);
		reader.releaseLock();
	}
}

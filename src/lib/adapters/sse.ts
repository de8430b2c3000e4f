/**
 * Server-sent events reader for OpenAI-style streams: yields the `data:` payload of each event
 * (multi-line data joined with `\n`, as the SSE spec says); comments and other fields are ignored.
 * Source: WHATWG HTML §9.2 "Server-sent events", event stream interpretation.
 */
export async function* readSseData(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
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

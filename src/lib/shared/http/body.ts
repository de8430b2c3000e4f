import { AssayError, type ErrorCode } from '../errors.ts';

/** Default cap on a reply body: 10 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * Read a response body as UTF-8 text, at most `maxBytes` bytes. A `content-length` above the cap
 * is refused before reading; otherwise the stream is counted as it arrives and cancelled at the
 * first byte past the cap, so a hostile endless reply costs at most `maxBytes` of memory.
 * @throws AssayError `code` (default `SYSTEM_RESPONSE_INVALID`) when the body is larger than
 *   `maxBytes`, with details `{maxBytes, receivedBytes}`.
 */
export async function readTextCapped(
	response: Response,
	maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
	code: ErrorCode = 'SYSTEM_RESPONSE_INVALID',
	what = 'The reply'
): Promise<string> {
	const tooBig = (receivedBytes: number, declared: boolean) =>
		new AssayError(
			code,
			`${what} is larger than the ${formatBytes(maxBytes)} cap (${declared ? 'content-length ' : 'more than '}${receivedBytes} bytes); raise maxResponseBytes if this is expected.`,
			{ details: { maxBytes, receivedBytes } }
		);
	const declared = Number(response.headers.get('content-length'));
	if (Number.isFinite(declared) && declared > maxBytes) {
		await response.body?.cancel().catch(() => {});
		throw tooBig(declared, true);
	}
	if (!response.body) return '';
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let received = 0;
	let text = '';
	try {
		for (;;) {
			const { value, done } = await reader.read();
			if (done) break;
			received += value.byteLength;
			if (received > maxBytes) {
				await reader.cancel().catch(() => {});
				throw tooBig(received, false);
			}
			text += decoder.decode(value, { stream: true });
		}
		return text + decoder.decode();
	} finally {
		reader.releaseLock();
	}
}

function formatBytes(n: number): string {
	if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
	if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
	return `${n} bytes`;
}

/**
 * `body` passed through unchanged until `maxBytes` bytes have gone by; the first chunk past the
 * cap errors the stream with an AssayError `code` (details `{maxBytes, receivedBytes}`) and
 * cancels the source, so a stream that never ends costs at most `maxBytes`.
 */
export function limitStream(
	body: ReadableStream<Uint8Array>,
	maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES,
	code: ErrorCode = 'SYSTEM_RESPONSE_INVALID',
	what = 'The reply'
): ReadableStream<Uint8Array> {
	let received = 0;
	return body.pipeThrough(
		new TransformStream<Uint8Array, Uint8Array>({
			transform(chunk, controller) {
				received += chunk.byteLength;
				if (received > maxBytes) {
					controller.error(
						new AssayError(
							code,
							`${what} is larger than the ${formatBytes(maxBytes)} cap (more than ${received} bytes); raise maxResponseBytes if this is expected.`,
							{ details: { maxBytes, receivedBytes: received } }
						)
					);
					return;
				}
				controller.enqueue(chunk);
			}
		})
	);
}

/**
 * The one catalogue of error codes. Every error Assay raises is an {@link AssayError} with a
 * code from here, a readable message that says what was expected and what was received, and
 * an optional `cause`. Errors cross worker boundaries as {@link AssayErrorData} and are rebuilt
 * with {@link fromErrorData} on the other side, so the code survives.
 */
export const ERROR_CODES = {
	CONFIG_INVALID: 'A configuration value is out of range or of the wrong type.',
	FILE_EMPTY: 'The file has no content.',
	FILE_TOO_LARGE: 'The file is larger than the configured size limit.',
	FILE_BINARY: 'The file looks binary, not text.',
	FILE_ENCODING: 'The file is not valid text in a supported encoding.',
	FILE_UNSUPPORTED: 'The file type is not supported.',
	FILE_READ: 'The file could not be read from disk.',
	FILE_PARSE: 'The file is damaged or not in the format its extension says.',
	FILE_PARSE_TIMEOUT: 'Parsing the file took longer than its time budget.',
	FILE_ZIP_LIMIT: 'The archive expands beyond the configured limits (zip bomb guard).',
	FILE_STRUCTURE_LIMIT: 'The document has more parts or deeper nesting than the configured limits allow.',
	FILE_XML_MALFORMED: 'A part of the document is not well-formed XML.',
	FILE_GZIP_INVALID: 'The gzip-compressed file is damaged or not gzip.',
	FILE_IMPORT_TIMEOUT: 'Importing the file (parse, chunk, store, index) took longer than its time budget.',
	DOCUMENT_TOO_MANY_CHUNKS: 'The document would make more chunks than the configured limit per document.',
	STORAGE_QUOTA: 'The browser storage quota is exhausted.',
	STORAGE_BLOCKED: 'Another tab holds the database open with an older version.',
	STORAGE_VERSION_CHANGE: 'Another tab upgraded the database; this tab must reload.',
	STORAGE_FAILED: 'A storage operation failed.',
	NOT_FOUND: 'The requested item does not exist.',
	DATASET_INVALID: 'The dataset folder or one of its files is malformed.',
	WORKER_FAILED: 'A background worker failed.',
	RUN_BUSY: 'Another tab (or job in this tab) is working on this run right now.',
	VECTOR_DIMS_MISMATCH: 'A vector has a different number of dimensions than the index.',
	VECTOR_DIMS_UNSUPPORTED: 'The vector index cannot hold vectors of this many dimensions.',
	MODEL_LOAD_FAILED: 'A model could not be loaded from its source.',
	MODEL_UNKNOWN: 'The model is not in the registry and no local folder was given.',
	MODEL_DTYPE_UNAVAILABLE: 'The model folder has no weights of the requested dtype.',
	EMBEDDING_CANCELLED: 'Embedding was cancelled.',
	SEARCH_MODE_UNAVAILABLE: 'The requested search mode is not ready for this workspace.',
	EMBEDDINGS_MISSING: 'The workspace has no complete vector set for the embedding model: embed it first.',
	CONTEXT_WINDOW_EXCEEDED: 'The prompt does not fit in the model’s context window.',
	LLM_REQUEST_FAILED: 'The chat model endpoint could not be reached or answered with an error.',
	LLM_GENERATION_FAILED: 'The chat model failed while generating.',
	LLM_OUTPUT_TRUNCATED: 'The model output was cut off by the token limit.',
	LLM_OUTPUT_INVALID: 'The model output is not valid for the requested JSON Schema.',
	WEBGPU_UNAVAILABLE: 'WebGPU is not available in this browser.',
	GPU_NO_SHADER_F16: 'The GPU lacks shader-f16, which this model build needs.',
	GPU_DEVICE_LOST: 'The GPU device was lost (usually out of memory).',
	MODEL_DOWNLOAD_FAILED: 'Model files could not be downloaded or cached.',
	MODEL_DOWNLOAD_CANCELLED: 'The model download was cancelled.',
	JUDGE_OUTPUT_INVALID: 'The judge reply is not a JSON verdict valid against the verdict schema.',
	JUDGE_OUTPUT_TRUNCATED: 'The judge reply was cut off before its JSON verdict was complete.',
	JUDGE_OUTPUT_AMBIGUOUS: 'The judge reply holds more than one JSON verdict.',
	JUDGE_SCORE_OUT_OF_RANGE: 'The judge score lies outside the rubric scale.',
	SYSTEM_REQUEST_FAILED: 'The system under test answered this case with an error, or its reply could not be read.',
	SYSTEM_RESPONSE_INVALID:
		'The system under test answered, but the configured paths found no answer or contexts of the expected type in its reply.',
	SYSTEM_UNREACHABLE: 'The system under test (or the judge) could not be reached after every retry; the run stopped.',
	RESULTS_FILE_INVALID: 'A line of the outputs file is not a JSON object with id, answer and contexts.',
	MCP_UNREACHABLE:
		'The MCP server could not be reached: it is down, the URL is wrong, its CORS headers do not allow this page, or the site’s CSP does not allow its origin.',
	MCP_AUTH_FAILED: 'The MCP server rejected the request as unauthorised (401/403): the bearer token is missing or was rejected.',
	MCP_TIMEOUT: 'The MCP server did not answer within the time limit; the request was cancelled.',
	MCP_PROTOCOL:
		'The MCP server answered, but not with a valid MCP reply (wrong endpoint, transport or protocol version), or it returned an error.',
	OTLP_UNREACHABLE:
		'The OpenTelemetry Collector could not be reached: it is down, the URL is wrong, its CORS setting does not allow this page, or the site’s CSP does not allow its origin.',
	OTLP_REJECTED: 'The OpenTelemetry Collector answered the trace export with an error status.',
	INTERNAL: 'An unexpected internal error.'
} as const;

/** One of the catalogue's codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Plain-data form of an {@link AssayError}; structured-clone safe. */
export interface AssayErrorData {
	readonly name: 'AssayError';
	readonly code: ErrorCode;
	readonly message: string;
	readonly details?: Record<string, unknown>;
	readonly cause?: string;
}

/** An error with a catalogue code. `details` holds structured context (file name, limits, …). */
export class AssayError extends Error {
	override readonly name = 'AssayError';
	readonly code: ErrorCode;
	readonly details?: Record<string, unknown>;

	constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
		super(message, options?.cause === undefined ? undefined : { cause: options.cause });
		this.code = code;
		if (options?.details) this.details = options.details;
	}
}

/** True when `value` is an {@link AssayError} (also across realms, by shape). */
export function isAssayError(value: unknown): value is AssayError {
	return value instanceof AssayError;
}

/** Serialise any thrown value to {@link AssayErrorData}; unknown errors become `INTERNAL`. */
export function toErrorData(error: unknown): AssayErrorData {
	if (error instanceof AssayError) {
		return {
			name: 'AssayError',
			code: error.code,
			message: error.message,
			...(error.details ? { details: error.details } : {}),
			...(error.cause !== undefined ? { cause: describeCause(error.cause) } : {})
		};
	}
	if (isErrorData(error)) return error;
	return { name: 'AssayError', code: 'INTERNAL', message: describeCause(error) };
}

/** Rebuild an {@link AssayError} from its data form (the inverse of {@link toErrorData}). */
export function fromErrorData(data: AssayErrorData): AssayError {
	return new AssayError(data.code, data.message, {
		...(data.details ? { details: data.details } : {}),
		...(data.cause !== undefined ? { cause: data.cause } : {})
	});
}

/** True when `value` has the shape of {@link AssayErrorData}. */
export function isErrorData(value: unknown): value is AssayErrorData {
	if (typeof value !== 'object' || value === null) return false;
	const v = value as Record<string, unknown>;
	return v.name === 'AssayError' && typeof v.code === 'string' && v.code in ERROR_CODES && typeof v.message === 'string';
}

function describeCause(cause: unknown): string {
	if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
	return String(cause);
}

import { AssayError, type ErrorCode } from '../shared/errors.ts';

/**
 * WebLLM errors reach the page as strings across its worker (`"ShaderF16SupportError: …"`),
 * or as plain `TypeError: Failed to fetch` from a download. Map them by name prefix / message
 * to typed errors with the action the user can take (`details.action`).
 */
const RULES: readonly { readonly test: RegExp; readonly code: ErrorCode; readonly action: string }[] = [
	{ test: /ShaderF16SupportError|shader-f16/i, code: 'GPU_NO_SHADER_F16', action: 'Pick the q4f32 build of this model.' },
	{
		test: /DeviceLostError|device (was )?lost/i,
		code: 'GPU_DEVICE_LOST',
		action: 'The GPU ran out of memory or reset: pick a smaller model (less VRAM) and close other GPU-heavy tabs.'
	},
	{
		test: /ContextWindowSizeExceededError|context window size/i,
		code: 'CONTEXT_WINDOW_EXCEEDED',
		action: 'Retrieve fewer chunks or lower the answer reserve.'
	},
	{
		test: /WebGPUNotAvailableError|WebGPUNotFoundError|navigator\.gpu|requestAdapter/i,
		code: 'WEBGPU_UNAVAILABLE',
		action: 'Use a browser with WebGPU enabled, or an OpenAI-compatible endpoint.'
	},
	{ test: /QuotaExceededError|quota/i, code: 'STORAGE_QUOTA', action: 'Delete cached models you no longer need, then retry.' },
	{
		test: /Failed to fetch|NetworkError|Failed to execute 'add' on 'Cache'|Request failed|IntegrityError|404|403/i,
		code: 'MODEL_DOWNLOAD_FAILED',
		action: 'Check the connection, the mirror URL, and that the site allows the model host; the app keeps working with other engines.'
	}
];

/** Turn anything WebLLM threw or reported into an {@link AssayError} with `details.action`. */
export function mapWebLlmError(raw: unknown): AssayError {
	if (raw instanceof AssayError) return raw;
	const text = raw instanceof Error ? `${raw.name}: ${raw.message}` : String(raw);
	const rule = RULES.find((r) => r.test.test(text));
	const code = rule?.code ?? 'LLM_GENERATION_FAILED';
	const action = rule?.action ?? 'Reload the model; if it fails again, pick another model.';
	return new AssayError(code, `${text.slice(0, 400)} — ${action}`, { cause: raw, details: { action } });
}

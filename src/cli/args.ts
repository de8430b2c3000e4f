import { parseArgs } from 'node:util';
import { UsageError } from './io.ts';

/** Option specs as `node:util` `parseArgs` takes them (strings and booleans only). */
export type OptionSpecs = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/**
 * Parse `argv` strictly: unknown options, missing values and positional arguments are
 * usage errors. Returns the string/boolean values by option name.
 * @throws UsageError with parseArgs's message.
 */
export function parseOptions(argv: readonly string[], specs: OptionSpecs): Record<string, string | boolean | string[] | undefined> {
	try {
		const { values } = parseArgs({ args: [...argv], options: specs, strict: true, allowPositionals: false });
		return values as Record<string, string | boolean | string[] | undefined>;
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** The option's string value, or `fallback`; throws when required and missing. */
export function stringOption(values: Record<string, unknown>, name: string, fallback?: string): string {
	const v = values[name];
	if (typeof v === 'string') return v;
	if (fallback !== undefined) return fallback;
	throw new UsageError(`--${name} is required`);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A decimal number option (`0.9`, `1e-3`); throws on anything else. */
export function numberOption(values: Record<string, unknown>, name: string, fallback: number): number {
	const v = values[name];
	if (v === undefined) return fallback;
	if (typeof v !== 'string' || !NUMBER.test(v)) throw new UsageError(`--${name} must be a number, received "${String(v)}"`);
	return Number(v);
}

/** A positive integer option; throws on anything else. */
export function positiveIntegerOption(values: Record<string, unknown>, name: string, fallback: number): number {
	const v = values[name];
	if (v === undefined) return fallback;
	if (typeof v !== 'string' || !/^\d+$/.test(v) || Number(v) < 1) {
		throw new UsageError(`--${name} must be a positive integer, received "${String(v)}"`);
	}
	return Number(v);
}

/** One of `choices`; throws naming them otherwise. */
export function choiceOption<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
	const v = values[name];
	if (v === undefined) return fallback;
	if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
		throw new UsageError(`--${name} must be one of ${choices.join(', ')}, received "${String(v)}"`);
	}
	return v as T;
}

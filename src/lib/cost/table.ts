import { z } from '../shared/zod.ts';
import type { ModelPrice, PriceTable } from './types.ts';

/** Returned by {@link priceFor} when no row prices a model (in-browser or unknown models): the UI shows time instead. */
export const NO_PRICE = Object.freeze({ kind: 'no-price' as const });
export type NoPrice = typeof NO_PRICE;

/** Whether {@link priceFor} found a row (narrows away {@link NO_PRICE}). */
export const isPriced = (p: ModelPrice | NoPrice): p is ModelPrice => p !== NO_PRICE;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isRealDate = (s: string): boolean =>
	ISO_DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const isoDate = z.string().refine(isRealDate, 'must be a real date YYYY-MM-DD');
/** USD per MTok: finite, ≥ 0, ≤ 10 000, at most 6 decimals (an integer of micro-dollars). */
const rate = z
	.number({ error: 'must be a number (USD per million tokens)' })
	.finite()
	.min(0, 'must be ≥ 0')
	.max(10_000, 'must be ≤ 10000 USD per million tokens')
	.refine((x) => Math.abs(x * 1e6 - Math.round(x * 1e6)) < 1e-6, 'has more than 6 decimals');

const ModelPriceSchema = z.object({
	match: z
		.string()
		.trim()
		.min(1, 'must name a model id or a glob like "gpt-4o-mini*"')
		.max(200)
		.regex(/^[A-Za-z0-9._:/@*+ -]+$/, 'may hold letters, digits, spaces, . _ : / @ + - and the wildcard *'),
	inputPerMTok: rate,
	outputPerMTok: rate,
	cachedInputPerMTok: rate.optional(),
	source: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the pricing page' }),
	asOf: isoDate
});

const TableHeadSchema = z.object({
	version: z.literal(1, 'must be 1'),
	asOf: isoDate,
	currency: z.literal('USD', 'must be "USD"'),
	models: z.array(z.unknown(), 'must be a list of rows')
});

/** One problem of a user-edited table: `row` is the 0-based row (null for the table itself), `path` the field. */
export interface PriceTableError {
	readonly row: number | null;
	readonly path: string;
	readonly message: string;
}

/**
 * Validate a user-edited price table (parsed JSON). Every row is checked on its own, so the
 * errors name each bad row and field (`models[2].inputPerMTok: must be ≥ 0`); a `match` given
 * twice is an error on the later row. The table is returned only when there is no error.
 */
export function parsePriceTable(value: unknown): { ok: true; table: PriceTable } | { ok: false; errors: PriceTableError[] } {
	const errors: PriceTableError[] = [];
	const head = TableHeadSchema.safeParse(value);
	if (!head.success) {
		for (const i of head.error.issues) errors.push({ row: null, path: i.path.join('.') || '(table)', message: i.message });
		return { ok: false, errors };
	}
	const models: ModelPrice[] = [];
	const seen = new Map<string, number>();
	head.data.models.forEach((raw, row) => {
		const r = ModelPriceSchema.safeParse(raw);
		if (!r.success) {
			for (const i of r.error.issues)
				errors.push({ row, path: `models[${row}]${i.path.length ? '.' + i.path.join('.') : ''}`, message: i.message });
			return;
		}
		const key = r.data.match.toLowerCase();
		const first = seen.get(key);
		if (first !== undefined)
			errors.push({ row, path: `models[${row}].match`, message: `"${r.data.match}" is already priced by row ${first}` });
		else seen.set(key, row);
		const { cachedInputPerMTok, ...rest } = r.data;
		models.push(cachedInputPerMTok === undefined ? rest : { ...rest, cachedInputPerMTok });
	});
	if (errors.length > 0) return { ok: false, errors };
	return { ok: true, table: { version: 1, asOf: head.data.asOf, currency: 'USD', models } };
}

/** Whether glob `pattern` (only `*` is special) matches all of `id`; both already lower-cased. */
function globMatches(pattern: string, id: string): boolean {
	const parts = pattern.split('*');
	if (parts.length === 1) return pattern === id;
	const first = parts[0]!;
	const last = parts[parts.length - 1]!;
	if (!id.startsWith(first) || id.length < first.length + last.length || !id.endsWith(last)) return false;
	let at = first.length;
	const end = id.length - last.length;
	for (const part of parts.slice(1, -1)) {
		const found = id.indexOf(part, at);
		if (found < 0 || found + part.length > end) return false;
		at = found + part.length;
	}
	return true;
}

/**
 * The row that prices `modelId`, or {@link NO_PRICE}. Rule (most specific wins):
 * 1. an exact `match` (no `*`) equal to the id, compared case-insensitively, wins;
 * 2. otherwise, of the globs that match, the one with the most literal (non-`*`) characters
 *    wins (`gpt-4o-mini*` beats `gpt-4o*` for `gpt-4o-mini-2024-07-18`); a tie goes to the
 *    earlier row;
 * 3. when nothing matches an id with a provider prefix (`openai/gpt-4o`), the part after the
 *    last `/` is tried the same way.
 */
export function priceFor(modelId: string, table: PriceTable): ModelPrice | NoPrice {
	const tryId = (id: string): ModelPrice | null => {
		let best: ModelPrice | null = null;
		let bestScore = -1;
		for (const row of table.models) {
			const pattern = row.match.toLowerCase();
			if (!pattern.includes('*')) {
				if (pattern === id) return row;
				continue;
			}
			const score = pattern.replaceAll('*', '').length;
			if (score > bestScore && globMatches(pattern, id)) {
				best = row;
				bestScore = score;
			}
		}
		return best;
	};
	const id = modelId.trim().toLowerCase();
	if (id === '') return NO_PRICE;
	const found = tryId(id) ?? (id.includes('/') ? tryId(id.slice(id.lastIndexOf('/') + 1)) : null);
	return found ?? NO_PRICE;
}

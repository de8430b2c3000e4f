/**
 * Epoch milliseconds (fractional, as `SpanRecord` keeps them) ⇄ OTLP `*UnixNano` (integer
 * nanoseconds as a decimal string, https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).
 * The conversion works on the number's shortest decimal form (`String(ms)`), not on `ms * 1e6`, so it
 * has no float error: 1700000000123.456 ms → "1700000000123456000" (while 1700000000123.456 * 1e6 is
 * 1700000000123456000 only by luck of rounding, and `toFixed(6)` gives …456055).
 */

import { AssayError } from '../../shared/errors.ts';

/** `ms` epoch milliseconds as integer nanoseconds (decimal string), rounded half up to the nanosecond. @throws AssayError `INTERNAL` for a negative or non-finite time. */
export function msToUnixNano(ms: number): string {
	if (!Number.isFinite(ms) || ms < 0) throw new AssayError('INTERNAL', `Not a time: ${ms} ms`);
	// Shortest round-trip decimal, possibly in exponent form (1e-7, 1.5e+21).
	const [mantissa = '0', exp = '0'] = String(ms).toLowerCase().split('e');
	const [int = '0', frac = ''] = mantissa.split('.');
	// ms = digits × 10^(exponent − frac.length); ns = ms × 10^6.
	const digits = BigInt(int + frac);
	const shift = Number(exp) - frac.length + 6;
	if (shift >= 0) return (digits * 10n ** BigInt(shift)).toString();
	const div = 10n ** BigInt(-shift);
	const q = digits / div;
	return (digits % div >= div / 2n ? q + 1n : q).toString();
}

/** `nanos` integer nanoseconds (decimal string or bigint) as epoch milliseconds: the double nearest to the exact decimal value. */
export function unixNanoToMs(nanos: string | bigint): number {
	const n = typeof nanos === 'bigint' ? nanos : BigInt(nanos);
	const int = n / 1000000n;
	const frac = (n % 1000000n).toString().padStart(6, '0');
	return Number(`${int}.${frac}`);
}

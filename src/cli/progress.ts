/**
 * Progress lines for long CLI commands, written to stderr (stdout may carry data, e.g. a run
 * with `--out -`). Plain lines, no carriage returns, so CI logs stay readable: one line when the
 * work starts, one each time another tenth is done, and one at the end.
 */
export function progressLines(label: string, write: (line: string) => void, steps = 10): (done: number, total: number) => void {
	let shown = -1;
	return (done, total) => {
		const step = total <= 0 ? steps : Math.floor((done * steps) / total);
		if (step <= shown) return;
		shown = step;
		const pct = total <= 0 ? 100 : Math.floor((100 * done) / total);
		write(`${label} ${done}/${total} (${pct}%)\n`);
	};
}

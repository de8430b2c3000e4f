import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

/**
 * Chart.js, bundled (no CDN) and tree-shaken to bar charts. It draws on a canvas and needs no
 * eval or inline script, so it runs under the site's CSP.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export { Chart };

/** Colours of a chart, as canvas can draw them (resolved `rgb(…)` strings). */
export interface ChartColours {
	readonly text: string;
	readonly grid: string;
	readonly bar: string;
	readonly interval: string;
	readonly better: string;
	readonly worse: string;
}

/**
 * The design tokens' colours for the current theme. A canvas cannot read CSS variables (and the
 * tokens are `light-dark(…)`), so each is resolved through a hidden element's computed `color`.
 */
export function chartColours(): ChartColours {
	const probe = document.createElement('span');
	probe.style.display = 'none';
	document.body.append(probe);
	const resolve = (token: string) => {
		probe.style.color = `var(${token})`;
		return getComputedStyle(probe).color;
	};
	const colours = {
		text: resolve('--color-text'),
		grid: resolve('--color-border'),
		bar: resolve('--color-accent'),
		interval: resolve('--color-danger'),
		better: resolve('--color-ok'),
		worse: resolve('--color-danger')
	};
	probe.remove();
	return colours;
}

/** Call `onChange` whenever the theme changes (the toggle's `data-theme`, or the OS setting); returns the unsubscribe. */
export function onThemeChange(onChange: () => void): () => void {
	const observer = new MutationObserver(onChange);
	observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
	const media = matchMedia('(prefers-color-scheme: dark)');
	media.addEventListener('change', onChange);
	return () => {
		observer.disconnect();
		media.removeEventListener('change', onChange);
	};
}

/** Axis and legend colours of `colours`, for a chart's `options`. */
export function themedScales(colours: ChartColours) {
	const axis = { ticks: { color: colours.text }, grid: { color: colours.grid } };
	return { x: axis, y: axis, legend: { labels: { color: colours.text } } };
}

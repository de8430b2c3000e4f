import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

/**
 * Chart.js, bundled (no CDN) and tree-shaken to bar charts. It draws on a canvas and needs no
 * eval or inline script, so it runs under the site's CSP.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export { Chart };

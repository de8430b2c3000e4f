/**
 * Content capture for spans a service records itself: a sink that applies a workspace's
 * "capture content" choice ({@link applyContentCapture}) to each finished span before handing it
 * on, so content never reaches storage when capture is off.
 */
import { applyContentCapture } from './traces.ts';
import type { SpanRecord, SpanSink } from './types.ts';

/**
 * Sink that passes spans to `inner` unchanged when `capture` is true, else with content
 * attributes removed (`gen_ai.retrieval.documents` reduced to ids, ranks and scores) and
 * `assay.content.captured = false` on every span. The choice is fixed per sink: a tracer made for
 * one operation (a search, an import) records the whole trace under one choice.
 */
export class ContentCaptureSink implements SpanSink {
	constructor(
		private readonly inner: SpanSink,
		private readonly capture: boolean
	) {}

	export(span: SpanRecord): void {
		this.inner.export(this.capture ? span : applyContentCapture([span], false)[0]!);
	}
}

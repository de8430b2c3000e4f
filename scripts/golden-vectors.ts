/**
 * Regenerate tests/fixtures/golden-vectors.json: the vectors of a few sentences from the two
 * fixture embedding models, computed in Node (onnxruntime-node, fp32). Browser tests (WASM,
 * WebGPU) compare against these to 1e-5. Run: `npx tsx scripts/golden-vectors.ts`.
 */
import { writeFileSync } from 'node:fs';
import { TransformersEmbedder } from '../src/lib/adapters/transformers-embedder.ts';
import { fixtureEmbedSpec } from '../tests/integration/embedding/fixture-models.ts';

const texts = [
	'the puppy barked at night',
	'stock prices fell at the bank',
	'rain and strong wind are expected tomorrow',
	'the team won the football match'
];
const embedder = new TransformersEmbedder();
const models: Record<string, number[][]> = {};
for (const id of ['static-embed', 'tiny-bert-embed'] as const) {
	models[id] = (await embedder.embed(fixtureEmbedSpec(id), texts, 'passage')).vectors.map((v) => Array.from(v));
}
writeFileSync(new URL('../tests/fixtures/golden-vectors.json', import.meta.url), `${JSON.stringify({ texts, models })}\n`);
await embedder.dispose();

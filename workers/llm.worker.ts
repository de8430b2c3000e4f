/// <reference lib="webworker" />
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

/**
 * The LLM worker: hosts WebLLM's MLCEngine behind WebLLM's own handler, which owns this
 * worker's message channel (so no Comlink here). One main-thread owner: `src/lib/app/llm-client.ts`.
 */
const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (message: MessageEvent) => handler.onmessage(message);

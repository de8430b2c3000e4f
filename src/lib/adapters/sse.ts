/** The SSE reader lives in `shared/http/sse.ts` (domain code, the http system under test, reads streams too). */
export { readSseData } from '../shared/http/sse.ts';

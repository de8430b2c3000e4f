import { z } from 'zod';

/**
 * The one place Assay imports zod. zod 4 compiles object parsers with `new Function` unless
 * `jitless` is set, and it probes for `Function` while each object schema is being built; under
 * the site's CSP (`script-src 'self' 'wasm-unsafe-eval'`, no `unsafe-eval`) the probe is refused
 * and reported as a `securitypolicyviolation` on every page load, even though zod catches the
 * throw. The config is global and read when a schema is constructed, so it must run before any
 * `z.object(…)`: every module takes `z` from here, which guarantees this module evaluates first
 * in the app, each worker and the CLI. A unit test keeps direct `from 'zod'` imports out of
 * src/ and workers/.
 */
z.config({ jitless: true });

export { z };

#!/usr/bin/env node
// The `assay` command. Registers tsx so the TypeScript sources run directly: `npx assay`
// works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

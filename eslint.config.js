import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/**
 * Lint, including the import-direction rules of DESIGN.md: UI → app → (services, storage,
 * adapters) → domain. Domain folders never import adapters, storage, app, UI, Svelte or
 * SvelteKit, and never touch browser globals.
 */
/**
 * The domain folders of src/lib. Every folder of src/lib is either here or in {@link LAYERS}
 * (tests/unit/scripts/eslint-layers.test.ts checks it): a new domain folder is added here and
 * gets these rules.
 */
export const DOMAIN = [
	'shared',
	'config',
	'tracing',
	'ingest',
	'chunking',
	'search',
	'embedding',
	'generation',
	'rag',
	'agents',
	'evals',
	'cost',
	'bench',
	'cache'
];

/** The other folders of src/lib, each a layer of DESIGN.md with its own rules below (or none: rpc; styles holds the design tokens, CSS only). */
export const LAYERS = ['storage', 'rpc', 'services', 'app', 'components', 'adapters', 'styles'];

const notFromDomain = [
	{
		group: ['**/adapters/**', '$lib/adapters/**'],
		message: 'Domain code must not import adapters (DESIGN.md: imports point UI → app → domain).'
	},
	{ group: ['**/storage/**', '$lib/storage/**'], message: 'Domain code must not import storage.' },
	{ group: ['**/services/**', '$lib/services/**'], message: 'Domain code must not import services.' },
	{ group: ['**/app/**', '$lib/app/**'], message: 'Domain code must not import the app layer.' },
	{ group: ['**/components/**', '$lib/components/**'], message: 'Domain code must not import UI components.' },
	{ group: ['**/workers/**'], message: 'Domain code must not import workers.' },
	{ group: ['**/rpc/**', '$lib/rpc/**'], message: 'Domain code must not import the RPC helper.' },
	{
		group: ['svelte', 'svelte/*', '$app/*', '@sveltejs/*', 'idb', 'comlink'],
		message: 'Domain code runs in Node and workers: no Svelte, SvelteKit, idb or Comlink.'
	}
];

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: { parserOptions: { projectService: true, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } }
	},
	{
		files: DOMAIN.map((d) => `src/lib/${d}/**/*.ts`),
		languageOptions: { globals: { ...globals['shared-node-browser'] } },
		rules: {
			'no-restricted-imports': ['error', { patterns: notFromDomain }],
			'no-restricted-globals': ['error', 'window', 'document', 'indexedDB', 'Worker', 'localStorage', 'navigator']
		}
	},
	{
		files: ['src/lib/storage/**/*.ts', 'src/lib/adapters/**/*.ts', 'src/lib/services/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['**/app/**', '$lib/app/**', '**/components/**', '$lib/components/**', 'svelte', 'svelte/*', '$app/*'],
							message: 'Storage, adapters and services must not import the app layer, UI or Svelte.'
						}
					]
				}
			]
		}
	},
	{
		files: ['src/lib/components/**/*', 'src/routes/**/*'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'**/storage/**',
								'$lib/storage/**',
								'**/adapters/**',
								'$lib/adapters/**',
								'**/services/**',
								'$lib/services/**',
								'**/workers/**',
								'idb',
								'comlink'
							],
							message: 'UI talks to the app layer only (DESIGN.md).'
						}
					]
				}
			]
		}
	},
	{
		ignores: [
			'build/',
			'dist-cli/',
			'dist-cli.next-*/',
			'.svelte-kit/',
			'node_modules/',
			'test-results/',
			'playwright-report/',
			'bench/out/'
		]
	}
);

// Vitest for the studio: `unit` (pure logic) and `integration` (real PostgreSQL and Redis). Both load
// through vite.config.ts, so the SvelteKit plugin resolves `$lib`, `$env` and `$app` as the app does.
// Which database integration tests get is decided here, once: a database of their own on the
// PostgreSQL server when one answers, else the embedded engine (PGlite), which is single-process, so
// its tests then run one file after another in one worker. CTS_TEST_DATABASE=embedded forces the
// embedded engine even where a server answers.
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';
import { adminUrl, probePostgres } from './tests/setup/services.ts';

export default defineConfig(async () => {
	process.env.CTS_TEST_DATABASE ??= (await probePostgres(adminUrl())) ? 'embedded' : 'postgres';
	const embedded = process.env.CTS_TEST_DATABASE === 'embedded';

	return mergeConfig(viteConfig, {
		test: {
			// Vitest's own output stays on the console; scripts/test.mjs reads the JSON report when asked.
			watch: false,
			projects: [
				{
					extends: true,
					test: {
						name: 'unit',
						include: ['tests/unit/**/*.test.ts'],
						environment: 'node',
						sequence: { groupOrder: 0 }
					}
				},
				{
					extends: true,
					test: {
						name: 'integration',
						include: ['tests/integration/**/*.test.ts'],
						environment: 'node',
						globalSetup: ['tests/setup/integration-global.ts'],
						setupFiles: ['tests/setup/integration-env.ts'],
						testTimeout: 30_000,
						// Hooks start studios (tests/helpers/app-server.ts: 30 s each at most) and test servers.
						hookTimeout: 60_000,
						sequence: { groupOrder: 1 },
						// PGlite: one worker, one module graph, so one embedded database handle for every file.
						...(embedded ? { isolate: false, maxWorkers: 1 } : {})
					}
				}
			]
		}
	});
});

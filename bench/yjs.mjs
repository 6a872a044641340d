// `npm run bench`: the Yjs sync server against y-websocket's own reference server, in one process
// and one run. This entry picks the database (a bench database on the PostgreSQL server when one
// answers, else the embedded engine in a temporary folder), loads the studio's server code through
// Vite (for $lib and $realtime) and runs bench/yjs-bench.ts.
import { registerHooks } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chooseDatabase } from './bench-database.mjs';

const root = resolve(import.meta.dirname, '..');

// The reference server is CommonJS and would require yjs's CommonJS build: a second yjs in the
// process. Hand it the same ES module everyone else uses (Node 24 can require ES modules).
const esmYjs = pathToFileURL(join(root, 'node_modules/yjs/dist/yjs.mjs')).href;
registerHooks({
	resolve(specifier, context, next) {
		if (specifier === 'yjs' && context.conditions?.includes('require')) return { url: esmYjs, format: 'module', shortCircuit: true };
		return next(specifier, context);
	}
});

process.env.LOG_LEVEL ??= 'warn';
const database = await chooseDatabase();
const { createServer } = await import('vite');
const vite = await createServer({
	root,
	logLevel: 'warn',
	appType: 'custom',
	server: { middlewareMode: true, hmr: false, ws: false }
});
let failed = false;
try {
	const bench = await vite.ssrLoadModule('/bench/yjs-bench.ts');
	await bench.runBench({ database: database.description });
} catch (error) {
	failed = true;
	console.error(error);
} finally {
	await vite.close();
	await database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`));
}
process.exit(failed ? 1 : 0);

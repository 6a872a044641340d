// `npm run bench`: the Yjs sync server against y-websocket's own reference server, in one process
// and one run. This entry picks the database (a bench database on the PostgreSQL server when one
// answers, else the embedded engine in a temporary folder), loads the studio's server code through
// Vite (for $lib and $realtime) and runs bench/yjs-bench.ts.
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chooseDatabase } from './bench-database.mjs';
import { root, runStudioBench } from './run-studio-bench.mjs';


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
await runStudioBench('/bench/yjs-bench.ts', { database: database.description }, () =>
	database.drop().catch((error) => console.error(`could not drop the bench database: ${error.message}`))
);

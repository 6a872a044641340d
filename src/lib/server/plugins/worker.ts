// The inside of a plugin worker thread: takes one hook call at a time from the pool (pool.ts), says
// when it starts (the budget runs from then), and answers with the result as JSON or the error's
// message. A hook that never returns is stopped from outside: the pool terminates this thread.
// This file must stay loadable by Node itself (type annotations only, `import type`): outside a
// build (tests, `vite dev`) the worker runs it from source and loads the plugins through Vite.
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { HookName, StudioPlugin } from '$lib/plugins';

/** What the pool starts a worker with. */
export const PLUGIN_WORKER_ROLE = 'codetunestudio:plugin-worker';
/** This module's own address: the pool starts it as the worker (a chunk of the build, or this file). */
export const PLUGIN_WORKER_URL = import.meta.url;
/** The largest result a hook may return, as JSON. */
export const MAX_RESULT_CHARS = 1_000_000;

/** A plugin the registry holds (by id), or one given as its hooks' source (tests, not shipped). */
export type PluginRef = { kind: 'registered'; id: string } | { kind: 'source'; hooks: Partial<Record<HookName, string>> };
export interface HookCall {
	job: number;
	plugin: PluginRef;
	hook: HookName;
	ctx: object;
}
export type WorkerMessage = { job: number; type: 'started' } | { job: number; type: 'done'; json: string } | { job: number; type: 'failed'; message: string };

type Hook = (this: unknown, ctx: object) => unknown;

let registry: Promise<(id: string) => StudioPlugin | undefined> | undefined;

/** The registry's plugins: the build's own chunk, or, from source, the registry loaded through Vite. */
function registered(): Promise<(id: string) => StudioPlugin | undefined> {
	registry ??= import.meta.url.endsWith('.ts') ? registryThroughVite(workerData.root as string, workerData.vite as string) : import('./registry').then((m) => m.getPlugin);
	return registry;
}

/** From source: Vite (its address comes from the pool, so that no build ever bundles it) loads the registry. */
async function registryThroughVite(root: string, viteUrl: string): Promise<(id: string) => StudioPlugin | undefined> {
	const { createServer } = (await import(/* @vite-ignore */ viteUrl)) as typeof import('vite');
	const server = await createServer({
		configFile: false,
		root,
		logLevel: 'error',
		appType: 'custom',
		server: { middlewareMode: true, hmr: false, ws: false, watch: null },
		optimizeDeps: { noDiscovery: true, include: [] },
		resolve: { alias: { $lib: `${root}/src/lib` } }
	});
	const module = (await server.ssrLoadModule('/src/lib/server/plugins/registry.ts')) as { getPlugin: (id: string) => StudioPlugin | undefined };
	return module.getPlugin;
}

/** A hook from its source: an arrow or function expression, or a method (`name(ctx) { … }`). */
function compile(source: string): Hook {
	try {
		return new Function(`return (${source});`)() as Hook;
	} catch {
		const holder = new Function(`return ({ ${source} });`)() as Record<string, Hook>;
		return Object.values(holder)[0]!;
	}
}

async function hookOf(plugin: PluginRef, hook: HookName): Promise<{ fn: Hook; self: unknown }> {
	if (plugin.kind === 'source') {
		const source = plugin.hooks[hook];
		if (!source) throw new Error(`no ${hook} hook`);
		return { fn: compile(source), self: undefined };
	}
	const found = (await registered())(plugin.id);
	const fn = found?.[hook] as Hook | undefined;
	if (!found || !fn) throw new Error(`${plugin.id} has no ${hook} hook`);
	return { fn, self: found };
}

async function call(port: MessagePort, { job, plugin, hook, ctx }: HookCall): Promise<void> {
	try {
		const { fn, self } = await hookOf(plugin, hook);
		port.postMessage({ job, type: 'started' } satisfies WorkerMessage);
		// Results are stored as JSONB: JSON drops what it cannot hold and refuses cycles.
		const json = JSON.stringify(await fn.call(self, ctx));
		if (json === undefined) throw new Error('returned no result');
		if (json.length > MAX_RESULT_CHARS) throw new Error(`returned a result over ${MAX_RESULT_CHARS} characters`);
		port.postMessage({ job, type: 'done', json } satisfies WorkerMessage);
	} catch (error) {
		port.postMessage({ job, type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies WorkerMessage);
	}
}

if (!isMainThread && workerData?.role === PLUGIN_WORKER_ROLE && parentPort) {
	const port = parentPort;
	port.on('message', (message: HookCall) => void call(port, message));
}

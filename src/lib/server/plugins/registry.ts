// Discovery of the built-in plugins in top-level plugins/<id>/index.ts.
// import.meta.glob with eager: true is expanded by Vite at build time into static imports, so the
// plugins are bundled into the adapter-node server output and found in dev alike; no file system
// scan at run time (the build has no plugins/ folder next to it). Vitest uses Vite, so tests too.
import type { StudioPlugin } from '$lib/plugins';
import { HOOK_NAMES } from '$lib/plugins';

const modules = import.meta.glob<{ default: StudioPlugin }>('/plugins/*/index.ts', { eager: true });

function checkPlugin(path: string, plugin: StudioPlugin | undefined): StudioPlugin {
	const folder = path.split('/').at(-2);
	if (!plugin?.manifest) throw new Error(`${path} has no default export with a manifest`);
	if (plugin.manifest.id !== folder) throw new Error(`${path}: manifest id "${plugin.manifest.id}" differs from its folder`);
	for (const hook of plugin.manifest.hooks) {
		if (!HOOK_NAMES.includes(hook) || typeof plugin[hook] !== 'function') throw new Error(`${path}: declares hook ${hook} but does not implement it`);
	}
	return plugin;
}

const plugins: ReadonlyMap<string, StudioPlugin> = new Map(
	Object.entries(modules)
		.map(([path, mod]) => checkPlugin(path, mod.default))
		.sort((a, b) => a.manifest.id.localeCompare(b.manifest.id))
		.map((p) => [p.manifest.id, p])
);

export function listPlugins(): StudioPlugin[] {
	return [...plugins.values()];
}
export function getPlugin(id: string): StudioPlugin | undefined {
	return plugins.get(id);
}

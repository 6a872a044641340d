// The layout a newcomer can trust (CONVENTIONS.md, "One entrance per domain"): code outside a server
// domain enters it through its index.ts, and the parts of src/lib/server never import each other in a
// loop. Built like the authorisation inventory: the rules run over the real tree, and over planted
// trees to show that each rule catches what it is for.
import { describe, expect, it } from 'vitest';
import { entranceBypasses, importSpecifiers, partCycles, readImports, type ImportMap } from '../helpers/import-graph';

const tree = readImports();
const planted = (files: Record<string, string[]>): ImportMap => new Map(Object.entries(files));

describe('the studio as it is', () => {
	it('reads the whole tree: routes, components, every server domain, realtime and plugins', () => {
		const files = [...tree.keys()];
		expect(files.length).toBeGreaterThan(200);
		for (const expected of ['src/hooks.server.ts', 'src/lib/server/versions/index.ts', 'realtime/hub/server.ts', 'plugins/token-cost/index.ts']) {
			expect(files).toContain(expected);
		}
		expect(files.some((file) => file.endsWith('.svelte'))).toBe(true);
	});

	it('enters every server domain through its index.ts', () => {
		expect(entranceBypasses(tree)).toEqual([]);
	});

	it('has no import cycle between the parts of src/lib/server', () => {
		expect(partCycles(tree)).toEqual([]);
	});
});

describe('the rules catch what they are for', () => {
	it('a route, a component or another domain reaching a room is caught; the entrance and a room of its own domain are not', () => {
		const found = entranceBypasses(
			planted({
				'src/routes/x/+page.server.ts': ['$lib/server/versions/history', '$lib/server/versions', '$lib/server/config'],
				'src/lib/components/X.svelte': ['$lib/server/publishing/public-page'],
				'src/lib/server/generation/runs.ts': ['../models/gateway', '../models', './flight', '../db/generated/client'],
				'src/lib/server/versions/commit.ts': ['./history', '../prompts/index'],
				'realtime/hub/events.ts': ['$lib/server/models/errors.ts']
			})
		);
		expect(found).toEqual([
			'src/routes/x/+page.server.ts imports $lib/server/versions/history (go through $lib/server/versions)',
			'src/lib/components/X.svelte imports $lib/server/publishing/public-page (go through $lib/server/publishing)',
			'src/lib/server/generation/runs.ts imports ../models/gateway (go through $lib/server/models)',
			'src/lib/server/generation/runs.ts imports ../db/generated/client (go through $lib/server/db)',
			'realtime/hub/events.ts imports $lib/server/models/errors.ts (go through $lib/server/models)'
		]);
	});

	it('a loop between two domains, or through a file at the top of src/lib/server, is caught', () => {
		expect(
			partCycles(
				planted({
					'src/lib/server/prompts/prompts.ts': ['../publishing'],
					'src/lib/server/publishing/fork.ts': ['../prompts', '../versions'],
					'src/lib/server/versions/commit.ts': ['../prompts']
				})
			)
		).toEqual(['prompts → publishing → prompts (with versions)']);
		expect(
			partCycles(
				planted({
					'src/lib/server/api/handler.ts': ['../request-limits'],
					'src/lib/server/request-limits.ts': ['./api']
				})
			)
		).toEqual(['api → request-limits → api']);
		expect(partCycles(planted({ 'src/lib/server/a/x.ts': ['../b'], 'src/lib/server/b/x.ts': ['../c'], 'src/lib/server/c/x.ts': ['../a'] }))).toEqual(['a → b → c → a']);
		expect(partCycles(planted({ 'src/lib/server/a/x.ts': ['../b'], 'src/lib/server/b/x.ts': ['../c'] }))).toEqual([]);
	});

	it('reads imports, re-exports, dynamic imports and side-effect imports, over several lines', () => {
		const source = [
			"import { a,\n  b } from '$lib/server/versions/history';",
			"import type { C } from './c';",
			"export { d } from '../d';",
			"export * from './e';",
			"const f = await import('$lib/server/f/g');",
			"import './side-effect';",
			"const text = 'from \"nowhere\"';"
		].join('\n');
		expect(importSpecifiers(source)).toEqual(['$lib/server/versions/history', './c', '../d', './e', '$lib/server/f/g', './side-effect']);
	});
});

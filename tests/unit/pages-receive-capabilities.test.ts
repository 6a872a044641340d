// Pages render what the server decided (CONVENTIONS.md, "Words of the domain are declared once"):
// nothing the browser loads imports from $lib/server, not even a type (the types pages render live
// in $lib/views and $lib/schemas), and no page or component compares a member's role: page loads
// send `can` ({ edit, run, publish, manage }), computed by the server's one rule. The rules run
// over the real tree, and over planted files to show that each catches what it is for.
import { describe, expect, it } from 'vitest';
import { isBrowserCode, roleComparisons, serverImportsInBrowserCode } from '../helpers/browser-code';
import { readSources, importSpecifiers, type ImportMap } from '../helpers/import-graph';

const sources = readSources();
const imports: ImportMap = new Map([...sources].map(([file, source]) => [file, importSpecifiers(source)]));

describe('the studio as it is', () => {
	it('reads the pages and components the browser loads', () => {
		const browser = [...sources.keys()].filter(isBrowserCode);
		expect(browser.filter((file) => file.endsWith('.svelte')).length).toBeGreaterThan(50);
		expect(browser).toContain('src/routes/w/[workspace]/settings/+page.svelte');
		expect(browser).toContain('src/lib/components/versions/format.ts');
		expect(browser).not.toContain('src/routes/w/[workspace]/settings/+page.server.ts');
	});

	it('imports nothing from $lib/server into code the browser loads, not even a type', () => {
		expect(serverImportsInBrowserCode(imports)).toEqual([]);
	});

	it('compares no role in a page or component: they read data.can', () => {
		expect(roleComparisons(sources)).toEqual([]);
	});
});

describe('the rules catch what they are for', () => {
	it('a page, a component or a universal load reaching into $lib/server is caught; server modules and endpoints are not', () => {
		const planted: ImportMap = new Map(
			Object.entries({
				'src/lib/components/X.svelte': ['$lib/server/versions', '$lib/views/versions'],
				'src/lib/components/versions/format.ts': ['../../server/versions/diff'],
				'src/routes/x/+page.ts': ['$lib/server/config'],
				'src/routes/x/+page.svelte': ['$lib/server'],
				'src/routes/x/+page.server.ts': ['$lib/server/versions'],
				'src/routes/api/x/+server.ts': ['$lib/server/api'],
				'src/hooks.server.ts': ['$lib/server/auth'],
				'src/lib/server/versions/diff.ts': ['$lib/views/diff'],
				'src/lib/views/versions.ts': ['./diff']
			})
		);
		expect(serverImportsInBrowserCode(planted)).toEqual([
			'src/lib/components/X.svelte imports $lib/server/versions',
			'src/lib/components/versions/format.ts imports ../../server/versions/diff',
			'src/routes/x/+page.ts imports $lib/server/config',
			'src/routes/x/+page.svelte imports $lib/server'
		]);
		// A type-only import counts: the import reader sees it like any other.
		expect(importSpecifiers("<script lang=\"ts\">\n\timport type { CommentEntry } from '$lib/server/versions';\n</script>")).toEqual(['$lib/server/versions']);
	});

	it('a role compared, ranked, listed or looked up in a page is caught; showing it and reading can are not', () => {
		const page = [
			"const canChange = $derived(data.role !== 'viewer');",
			"const canRun = data.role === 'owner' || data.role === 'editor';",
			"{#if 'owner' === member.role}",
			"{#if roleAtLeast(data.role, 'editor')}",
			"const isOwner = ['owner'].includes(page.data.role);",
			'const label = LABELS[data.role];',
			'switch (data.role) {',
			// Not comparisons: showing a role, reading capabilities, a status styled like a role badge, ARIA roles.
			'<Badge variant={data.role} />',
			"{#if data.can.edit && e.status === 'succeeded'}",
			"<Badge variant={e.status === 'succeeded' ? 'editor' : 'neutral'} />",
			'<div role="status" aria-live="polite">',
			"<Select {...control} value={form?.values?.role ?? 'editor'}>"
		].join('\n');
		const found = roleComparisons(
			new Map([
				['src/routes/x/+page.svelte', page],
				['src/routes/x/+page.server.ts', "if (member.role === 'owner') return;"],
				['src/lib/server/workspaces/access.ts', 'return roleAtLeast(member.role, needed);']
			])
		);
		expect(found.map((line) => line.split(':')[1])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
	});
});

// What the code the browser loads may not do (CONVENTIONS.md: "pages receive what a user may do
// (can.edit), not a role to interpret"; SvelteKit's own $lib/server guard): import from
// $lib/server, even a type, and, in pages and components, compare a member's role. Pure over maps
// of files like import-graph.ts, so a test can plant a breach and see it caught.
import { resolveSpecifier, type ImportMap } from './import-graph';

const SERVER = 'src/lib/server';

/** Code the browser may load: all of src/ but src/lib/server, *.server.* modules and endpoints (+server). */
export function isBrowserCode(file: string): boolean {
	if (!file.startsWith('src/') || file === `${SERVER}.ts` || file.startsWith(`${SERVER}/`)) return false;
	const name = file.slice(file.lastIndexOf('/') + 1);
	return !/\.server\.(ts|js)$/.test(name) && !/^\+server\.(ts|js)$/.test(name);
}

/** Pages, layouts and components: what renders, and so what would interpret a role. */
export function isPageCode(file: string): boolean {
	return isBrowserCode(file) && (file.endsWith('.svelte') || file.startsWith('src/routes/') || file.startsWith('src/lib/components/'));
}

/** Imports of src/lib/server (type-only ones too) from code the browser loads. */
export function serverImportsInBrowserCode(imports: ImportMap): string[] {
	const found: string[] = [];
	for (const [file, specifiers] of imports) {
		if (!isBrowserCode(file)) continue;
		for (const specifier of specifiers) {
			const target = resolveSpecifier(file, specifier);
			if (target === SERVER || target?.startsWith(`${SERVER}/`)) found.push(`${file} imports ${specifier}`);
		}
	}
	return found;
}

const EQUALS = String.raw`(?:===?|!==?)`;
const ROLE_WORD = String.raw`['"\`](?:owner|editor|viewer)['"\`]`;
const OPERAND = String.raw`[\w$.?]*\brole`;

/** Ways a page could turn a role into a permission itself. */
const ROLE_COMPARISONS = [
	/\broleAtLeast\b/,
	new RegExp(String.raw`\brole\s*${EQUALS}`),
	new RegExp(String.raw`${EQUALS}\s*${OPERAND}\b`),
	new RegExp(String.raw`${ROLE_WORD}\s*${EQUALS}`),
	new RegExp(String.raw`${EQUALS}\s*${ROLE_WORD}`),
	new RegExp(String.raw`\.includes\(\s*${OPERAND}\s*\)`),
	new RegExp(String.raw`\bswitch\s*\(\s*${OPERAND}\s*\)`),
	new RegExp(String.raw`\[\s*${OPERAND}\s*\]`)
];

/** Lines of pages and components that compare a role (or rank it), as `file:line: text`. */
export function roleComparisons(sources: Map<string, string>): string[] {
	const found: string[] = [];
	for (const [file, source] of sources) {
		if (!isPageCode(file)) continue;
		source.split('\n').forEach((line, i) => {
			if (ROLE_COMPARISONS.some((pattern) => pattern.test(line))) found.push(`${file}:${i + 1}: ${line.trim()}`);
		});
	}
	return found;
}

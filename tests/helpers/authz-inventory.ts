// What the studio exposes, read from the source itself so that the authorisation matrix cannot fall
// behind it: every page (a folder under src/routes with +page.svelte or +page.server.ts), every form
// action its +page.server.ts exports, every method a +server.ts exports, every socket.io event a
// client may send, and the Yjs documents. A new one without a row in the matrix fails the suite.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { clientEventSchemas } from '$lib/realtime/session-events';
import { YJS_PATH_PREFIX } from '$lib/realtime/yjs-protocol';

const ROUTES = resolve(import.meta.dirname, '../../src/routes');
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'fallback'];

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(path) : [path];
	});
}

/** The SvelteKit route id of a route file: `/w/[workspace]/settings` for its folder. */
function routeId(file: string): string {
	const folder = relative(ROUTES, file).split(sep).slice(0, -1).join('/');
	return `/${folder}`;
}

/** The names at the top level of the object literal that starts at `text[open]` ('{'). */
export function topLevelKeys(text: string, open: number): string[] {
	const keys: string[] = [];
	let depth = 0;
	let token = '';
	let quote: string | null = null;
	let expectKey = true;
	for (let i = open; i < text.length; i++) {
		const c = text[i]!;
		if (quote) {
			if (c === '\\') i++;
			else if (c === quote) quote = null;
			continue;
		}
		if (c === '/' && text[i + 1] === '/') {
			i = text.indexOf('\n', i);
			continue;
		}
		if (c === "'" || c === '"' || c === '`') {
			if (depth === 1 && expectKey) {
				const end = text.indexOf(c, i + 1);
				token = text.slice(i + 1, end);
				i = end;
			} else quote = c;
			continue;
		}
		if ('{(['.includes(c)) {
			if (depth === 1 && expectKey && c === '(' && token) keys.push(token); // method shorthand
			if (depth === 1 && c !== '{') expectKey = false;
			depth++;
			token = '';
			if (depth === 1) expectKey = true;
			continue;
		}
		if ('})]'.includes(c)) {
			depth--;
			if (depth === 0) {
				if (expectKey && token) keys.push(token); // a shorthand property last
				return keys;
			}
			continue;
		}
		if (depth !== 1) continue;
		if (c === ':' && expectKey) {
			if (token) keys.push(token);
			expectKey = false;
			token = '';
		} else if (c === ',') {
			if (expectKey && token) keys.push(token); // shorthand property
			expectKey = true;
			token = '';
		} else if (/[\w$]/.test(c) && expectKey) token += c;
		else if (/\s/.test(c) && ['async', 'get', 'set'].includes(token)) token = '';
	}
	throw new Error('unbalanced object literal');
}

/** The form actions a +page.server.ts exports, by name (`default` included). */
export function actionNames(source: string): string[] {
	const match = /export\s+const\s+actions\b[^=]*=\s*\{/.exec(source);
	if (!match) {
		if (/export\s*\{[^}]*\bactions\b/.test(source) || /export\s+(async\s+)?function\s+actions\b/.test(source)) throw new Error('actions exported in a form the inventory cannot read');
		return [];
	}
	return topLevelKeys(source, match.index + match[0].length - 1);
}

/** The request methods a +server.ts exports. */
export function serverMethods(source: string): string[] {
	const found = new Set<string>();
	for (const match of source.matchAll(/export\s+(?:const|let|(?:async\s+)?function)\s+(\w+)/g)) {
		if (HTTP_METHODS.includes(match[1]!)) found.add(match[1]!);
	}
	for (const match of source.matchAll(/export\s*\{([^}]*)\}/g)) {
		for (const name of match[1]!.split(',').map((part) => part.trim().split(/\s+as\s+/).pop()!.trim())) {
			if (HTTP_METHODS.includes(name)) found.add(name);
		}
	}
	return [...found];
}

/**
 * Every HTTP surface: `GET <route>` for each page, `POST <route>?/<action>` for each form action
 * (`POST <route>` for a default one), `<METHOD> <route>` for each endpoint method.
 */
export function httpSurfaces(): string[] {
	const surfaces = new Set<string>();
	for (const file of filesUnder(ROUTES)) {
		const name = file.split(sep).pop()!;
		const route = routeId(file);
		if (name === '+page.svelte' || name === '+page.server.ts' || name === '+page.ts') surfaces.add(`GET ${route}`);
		if (name === '+page.server.ts') {
			for (const action of actionNames(readFileSync(file, 'utf8'))) surfaces.add(action === 'default' ? `POST ${route}` : `POST ${route}?/${action}`);
		}
		if (name === '+server.ts' || name === '+server.js') {
			for (const method of serverMethods(readFileSync(file, 'utf8'))) surfaces.add(`${method} ${route}`);
		}
	}
	return [...surfaces].sort();
}

/** Every client → server socket.io event of the generation hub, and the connection itself. */
export function hubSurfaces(): string[] {
	return ['socket.io connect', ...Object.keys(clientEventSchemas).map((event) => `socket.io ${event}`)].sort();
}

/** The Yjs documents: one kind, a prompt's live draft. */
export function yjsSurfaces(): string[] {
	return [`yjs ${YJS_PATH_PREFIX}[promptId]`];
}

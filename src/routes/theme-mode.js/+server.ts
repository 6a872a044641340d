// mode-watcher's first-paint theme script (light or dark before anything is drawn), served as a
// file: the page's Content-Security-Policy refuses inline scripts, and SvelteKit's nonce cannot
// reach a script a component writes into <svelte:head>. app.html loads it, blocking, in <head>.
import { createInitialModeExpression } from 'mode-watcher';
import type { RequestHandler } from './$types';

// The same settings as <ModeWatcher> in +layout.svelte (its defaults).
const script = createInitialModeExpression({ defaultMode: 'system' });

export const GET: RequestHandler = () =>
	new Response(script, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' } });

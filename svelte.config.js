import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Runes everywhere in our own code; libraries keep whatever mode they were written in.
		runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true)
	},
	kit: {
		// server.js imports the built handler and mounts realtime/ beside it on one port.
		// scripts/build.mjs builds beside build/ and then swaps the folders, so a studio starting
		// meanwhile never finds build/ half written.
		adapter: adapter({ out: process.env.CTS_BUILD_OUT || 'build' }),
		alias: { $realtime: 'realtime' },
		// Pages' Content-Security-Policy; src/lib/server/security-headers.ts adds the other headers, the
		// page's own ws:/wss: origin to connect-src, and a policy allowing nothing for non-page responses.
		// 'auto': SvelteKit puts a fresh nonce on its inline bootstrap script and in script-src.
		csp: {
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				// Our own files and SvelteKit's nonced script only: never 'unsafe-inline' or 'unsafe-eval'.
				// mode-watcher's inline theme script would be refused: it is served as a file (/theme-mode.js).
				'script-src': ['self'],
				// 'unsafe-inline' for styles: server-rendered style="" attributes (app.html's wrapper, bits-ui's
				// positioning), Svelte transitions and CodeMirror (style-mod) add <style> elements at run time,
				// which no nonce can cover. (With a nonce in the list browsers would ignore 'unsafe-inline',
				// so SvelteKit adds none here.) Styles cannot run code; scripts stay strict.
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'font-src': ['self', 'data:'],
				// fetch, the socket.io hub and the Yjs sockets, all on our own origin.
				'connect-src': ['self'],
				'worker-src': ['self', 'blob:'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;

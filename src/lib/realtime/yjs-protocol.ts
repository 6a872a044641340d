// The Yjs sync wire, declared once for the server (realtime/yjs) and the editor: where a draft's
// socket lives, what a document name may be, the limits, and why a socket was closed.
// The messages themselves are y-websocket's (y-protocols sync + awareness), unchanged.
import { z } from 'zod';

/** Every draft socket lives under this path: `/yjs/<promptId>`. */
export const YJS_PATH_PREFIX = '/yjs/';

/** A document name is the prompt's id (one live draft per prompt). */
export const yjsDocNameSchema = z.uuid();
export type YjsDocName = z.infer<typeof yjsDocNameSchema>;

export function yjsDocName(promptId: string): YjsDocName {
	return yjsDocNameSchema.parse(promptId);
}

/** The document name in a socket's path, or null when the path is not a draft socket's. */
export function parseYjsPath(pathname: string): YjsDocName | null {
	if (!pathname.startsWith(YJS_PATH_PREFIX)) return null;
	const parsed = yjsDocNameSchema.safeParse(pathname.slice(YJS_PATH_PREFIX.length));
	return parsed.success ? parsed.data.toLowerCase() : null;
}

/**
 * The `serverUrl` to give y-websocket's WebsocketProvider (it appends `/<docName>`), from the page's
 * own origin: same host and port as the app, ws:// or wss:// as the page. The session cookie goes
 * with the upgrade request by itself (same origin), so the client sends no token.
 */
export function yjsServerUrl(pageOrigin: string): string {
	const url = new URL(pageOrigin);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${url.origin}${YJS_PATH_PREFIX.slice(0, -1)}`;
}

/** y-websocket's message types (the first varUint of every binary frame). */
export const YJS_MESSAGE = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

export const YJS_LIMITS = {
	/** Largest frame the server reads; a larger one closes that socket with `tooLarge`. */
	maxMessageBytes: 1024 * 1024,
	/** Largest encoded draft; an update that would make it larger is refused with `tooLarge`. */
	maxDocumentBytes: 2 * 1024 * 1024
} as const;

/**
 * Close codes. 4400–4499 are final: y-websocket's provider does not reconnect after them (and
 * emits `closed` with the code and reason); any other code means "try again".
 */
export const YJS_CLOSE = {
	/** The server is stopping or restarting: reconnect. */
	goingAway: 1001,
	/** Something broke on the server (the draft could not be loaded): reconnect later. */
	serverError: 1011,
	/** A message that cannot be decoded, a text frame, or an update that touches a server-only part. */
	malformed: 4400,
	/** No session cookie, or an expired or unknown session. */
	unauthorized: 4401,
	/** Not a member of the prompt's workspace, no access to a private prompt, or removed meanwhile. */
	forbidden: 4403,
	/** The prompt was deleted while the socket was open. */
	notFound: 4404,
	/** A message over maxMessageBytes, or an update that would make the draft exceed maxDocumentBytes. */
	tooLarge: 4413,
	/** Too many messages sent before the connection was authorised. */
	tooManyMessages: 4429
} as const;
export type YjsCloseCode = (typeof YJS_CLOSE)[keyof typeof YJS_CLOSE];

/** Whether the provider should stop reconnecting after this close (the server said no for good). */
export function isFinalClose(code: number): boolean {
	return code >= 4400 && code < 4500;
}

/** What the editor tells a person when the server closed the socket for good. */
export function describeYjsClose(code: number): string {
	switch (code) {
		case YJS_CLOSE.unauthorized:
			return 'Your session has ended. Sign in again to keep editing.';
		case YJS_CLOSE.forbidden:
			return 'You no longer have access to this prompt.';
		case YJS_CLOSE.notFound:
			return 'This prompt was deleted.';
		case YJS_CLOSE.tooLarge:
			return 'That change is too large for a draft.';
		case YJS_CLOSE.malformed:
			return 'The editor sent something the server could not accept. Reload the page.';
		case YJS_CLOSE.tooManyMessages:
			return 'The editor sent too much at once. Reload the page.';
		default:
			return 'The connection was lost. Reconnecting…';
	}
}

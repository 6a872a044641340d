// The browser knows first when its network goes: a WebSocket whose network is gone can stay "open"
// for minutes (Chromium closes it only when TCP gives up, y-websocket after 30 s of silence), and
// meanwhile the editor would say Connected while edits reach nobody. So the live draft follows the
// browser: offline closes the socket (edits stay in the local document and merge on reconnect),
// online connects again at once instead of waiting out a reconnect backoff.
import type { WebsocketProvider } from 'y-websocket';

/**
 * Disconnects `provider` on the window's `offline` event and connects it on `online`, while
 * `mayConnect()` holds (not after the server refused the socket for good). Returns the undo.
 */
export function followBrowserNetwork(provider: WebsocketProvider, mayConnect: () => boolean): () => void {
	const offline = () => {
		if (mayConnect()) provider.disconnect();
	};
	const online = () => {
		if (mayConnect()) provider.connect();
	};
	window.addEventListener('offline', offline);
	window.addEventListener('online', online);
	return () => {
		window.removeEventListener('offline', offline);
		window.removeEventListener('online', online);
	};
}

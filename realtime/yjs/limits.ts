// What one draft socket may cost the server, and what one room may hold. A y-websocket editor sends
// a few messages a second (an update and a cursor per keystroke) and asks for the whole draft once
// per connection; these budgets leave it ample room and stop a socket that sends, or asks for, far
// more. A socket past a budget is closed with a code and a reason; nobody else notices.

/** The close code for a socket that does not read what it is sent (RFC 6455 policy violation; not final, the editor reconnects). */
export const SLOW_CONSUMER_CLOSE = 1008;

export interface SocketLimits {
	/** Messages a socket may send at once, and how many more it earns each second. */
	messageBurst: number;
	messagesPerSecond: number;
	/**
	 * Bytes a socket may make the server handle at once, and how many more it earns each second:
	 * what it sends, and the answers it asks for (a sync step 1 is 4 bytes, its answer the whole draft).
	 */
	byteBurst: number;
	bytesPerSecond: number;
	/** Messages received and not handled yet (they wait for the draft's store). */
	maxPendingMessages: number;
	/** Bytes waiting to be sent to one socket past which it is a slow consumer, and is closed. */
	maxBufferedBytes: number;
	/** Entries in one awareness message (a client sends its own; its echo of the room's stays under maxRoomPresence). */
	maxPresenceEntries: number;
	/** Awareness client ids a room shows at once, its sockets' and the other instances'. */
	maxRoomPresence: number;
	/** Client ids a room remembers after they left (their clocks, whose they were), past which the oldest are forgotten. */
	maxRememberedPresence: number;
	/** How long a client id that left is remembered at most (a reconnect takes it back within seconds). */
	rememberPresenceMs: number;
	/** How long a socket the server closed may take to finish the closing handshake before it is cut. */
	closeGraceMs: number;
}

const MiB = 1024 * 1024;

export const SOCKET_LIMITS: SocketLimits = {
	messageBurst: 300,
	messagesPerSecond: 100,
	byteBurst: 8 * MiB,
	bytesPerSecond: 2 * MiB,
	maxPendingMessages: 300,
	maxBufferedBytes: 8 * MiB,
	maxPresenceEntries: 256,
	maxRoomPresence: 128,
	maxRememberedPresence: 512,
	rememberPresenceMs: 5 * 60_000,
	closeGraceMs: 2_000
};

/** A token bucket: `burst` at once, refilled at `perSecond`. */
export class Allowance {
	private level: number;
	private at = performance.now();

	constructor(
		private readonly burst: number,
		private readonly perSecond: number
	) {
		this.level = burst;
	}

	/** Takes `amount` if that much is left; false (and nothing taken) when it is not. */
	take(amount: number): boolean {
		const now = performance.now();
		this.level = Math.min(this.burst, this.level + ((now - this.at) / 1000) * this.perSecond);
		this.at = now;
		if (amount > this.level) return false;
		this.level -= amount;
		return true;
	}
}

// The invitation links this browser made, so that an owner can copy one again from the list. The
// studio keeps only each link's hash and cannot show a link twice; the browser that made it can. Kept
// per workspace in localStorage, and forgotten once the link no longer works (gone from the list of
// working links: expired, used up or revoked). A link is a credential meant to be shared, and
// anything able to read this storage could make links of its own anyway.
import { browser } from '$app/environment';

interface Remembered {
	link: string;
	expiresAt: string;
}

const keyFor = (workspaceId: string) => `cts.invitation-links.${workspaceId}`;

function read(workspaceId: string): Record<string, Remembered> {
	try {
		const parsed: unknown = JSON.parse(localStorage.getItem(keyFor(workspaceId)) ?? '{}');
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, Remembered>) : {};
	} catch {
		return {};
	}
}

export class RememberedLinks {
	/** Invitation id → its link, for the links this browser made that still work. */
	links = $state<Record<string, string>>({});

	constructor(private readonly workspaceId: string) {}

	/** Forgets what is not among `liveIds` (or has expired), then shows what is left. */
	sync(liveIds: string[]): void {
		if (!browser) return;
		const live = new Set(liveIds);
		const kept = Object.fromEntries(Object.entries(read(this.workspaceId)).filter(([id, entry]) => live.has(id) && Date.parse(entry.expiresAt) > Date.now()));
		this.write(kept);
	}

	remember(id: string, link: string, expiresAt: string): void {
		if (!browser) return;
		this.write({ ...read(this.workspaceId), [id]: { link, expiresAt } });
	}

	private write(entries: Record<string, Remembered>): void {
		try {
			localStorage.setItem(keyFor(this.workspaceId), JSON.stringify(entries));
		} catch {
			// Storage full or forbidden (private mode): the list just offers no copy.
		}
		this.links = Object.fromEntries(Object.entries(entries).map(([id, entry]) => [id, entry.link]));
	}
}

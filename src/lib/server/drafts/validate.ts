// Checks a client's Yjs update against the server's copy BEFORE it is applied: it must decode,
// and every struct it adds or deletes must live under a root a client may write
// (CLIENT_WRITABLE_ROOTS). A struct's root is not always in the update: an item that has a left or
// right neighbour carries no parent, so we follow its origin, in the update or in the document.
import * as Y from 'yjs';
import { CLIENT_WRITABLE_ROOTS } from '$lib/prompt-doc';

export type UpdateCheck =
	| { ok: true }
	/** The bytes are not a Yjs update. */
	| { ok: false; problem: 'malformed'; reason: string }
	/** It touches a root a client may not write (the server's `meta`, or one the draft does not have). */
	| { ok: false; problem: 'forbidden-root'; reason: string }
	/** It builds on content the server does not have yet: ask the client for its whole difference. */
	| { ok: false; problem: 'missing-dependencies'; reason: string };

/** Resolution of a struct's root: a name, harmless (garbage-collected content), or unknown. */
type Root = string | typeof GC_ROOT | typeof UNKNOWN;
const GC_ROOT = Symbol('gc');
const UNKNOWN = Symbol('unknown');

type Decoded = ReturnType<typeof Y.decodeUpdate>;
type DecodedStruct = Decoded['structs'][number];

/** Finds the decoded struct covering `id`, by binary search in its client's structs. */
function findDecoded(byClient: Map<number, DecodedStruct[]>, id: Y.ID): DecodedStruct | undefined {
	const structs = byClient.get(id.client);
	if (!structs) return undefined;
	let low = 0;
	let high = structs.length - 1;
	while (low <= high) {
		const mid = (low + high) >> 1;
		const struct = structs[mid]!;
		if (id.clock < struct.id.clock) high = mid - 1;
		else if (id.clock >= struct.id.clock + struct.length) low = mid + 1;
		else return struct;
	}
	return undefined;
}

/** The integrated struct covering `id` in the document, if the document has it. */
function findInDoc(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | undefined {
	if (id.clock >= Y.getState(doc.store, id.client)) return undefined;
	const structs = doc.store.clients.get(id.client);
	if (!structs) return undefined;
	return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC;
}

function rootOfIntegrated(item: Y.Item): Root {
	let type = item.parent as Y.AbstractType<unknown> | null;
	while (type?._item) type = type._item.parent as Y.AbstractType<unknown> | null;
	if (!type) return GC_ROOT;
	try {
		return Y.findRootTypeKey(type);
	} catch {
		return UNKNOWN;
	}
}

class RootResolver {
	private readonly byClient = new Map<number, DecodedStruct[]>();
	private readonly memo = new Map<DecodedStruct, Root>();

	constructor(
		private readonly doc: Y.Doc,
		structs: DecodedStruct[]
	) {
		for (const struct of structs) {
			const list = this.byClient.get(struct.id.client);
			if (list) list.push(struct);
			else this.byClient.set(struct.id.client, [struct]);
		}
	}

	/** The struct covering `id`, in the update or else in the document. */
	find(id: Y.ID): DecodedStruct | Y.Item | Y.GC | undefined {
		return findDecoded(this.byClient, id) ?? findInDoc(this.doc, id);
	}

	/** The root that content with this id belongs to. */
	rootOfId(id: Y.ID): Root {
		const decoded = findDecoded(this.byClient, id);
		if (decoded) return this.rootOfDecoded(decoded);
		const integrated = findInDoc(this.doc, id);
		if (!integrated) return UNKNOWN;
		return integrated instanceof Y.Item ? rootOfIntegrated(integrated) : GC_ROOT;
	}

	/** Iterative: a long run of typing is a long chain of origins, too deep to recurse through. */
	rootOfDecoded(start: DecodedStruct): Root {
		const path: DecodedStruct[] = [];
		let struct: DecodedStruct | undefined = start;
		let root: Root | undefined;
		while (root === undefined && struct) {
			const known = this.memo.get(struct);
			if (known !== undefined) {
				root = known;
				break;
			}
			if (!(struct instanceof Y.Item)) {
				root = struct instanceof Y.GC ? GC_ROOT : UNKNOWN; // a Skip is a gap: content we lack
				break;
			}
			path.push(struct);
			const parent = struct.parent as unknown;
			let next: Y.ID | null;
			if (typeof parent === 'string') {
				root = parent;
				break;
			} else if (parent instanceof Y.ID) {
				next = parent; // a nested type's child: the parent is the item holding that type
			} else {
				next = struct.origin ?? struct.rightOrigin; // a sibling's parent is ours
			}
			if (!next) {
				root = UNKNOWN;
				break;
			}
			const decoded = findDecoded(this.byClient, next);
			if (decoded && decoded !== struct) {
				struct = decoded;
				continue;
			}
			const integrated = findInDoc(this.doc, next);
			root = !integrated ? UNKNOWN : integrated instanceof Y.Item ? rootOfIntegrated(integrated) : GC_ROOT;
		}
		const resolved = root ?? UNKNOWN;
		for (const seen of path) this.memo.set(seen, resolved);
		return resolved;
	}
}

function refusedRoot(root: Root): UpdateCheck | null {
	if (root === GC_ROOT) return null;
	if (root === UNKNOWN) return { ok: false, problem: 'missing-dependencies', reason: 'the update builds on content the server does not have' };
	if (!CLIENT_WRITABLE_ROOTS.has(root)) return { ok: false, problem: 'forbidden-root', reason: `the update changes "${root}", which clients may not write` };
	return null;
}

/** An update with no structs and no deletions (what an up-to-date peer answers to sync step 1). */
export function isEmptyUpdate(update: Uint8Array): boolean {
	return update.length === 2 && update[0] === 0 && update[1] === 0;
}

export function checkClientUpdate(doc: Y.Doc, update: Uint8Array): UpdateCheck {
	let decoded: Decoded;
	try {
		decoded = Y.decodeUpdate(update);
	} catch (error) {
		return { ok: false, problem: 'malformed', reason: `not a Yjs update (${(error as Error).message || 'cannot decode'})` };
	}
	const resolver = new RootResolver(doc, decoded.structs);

	// A client's first struct must continue where the server's copy of that client ends; a gap
	// would leave the rest pending (unapplied, unchecked) in the server's document.
	const firstClock = new Map<number, number>();
	for (const struct of decoded.structs) if (!firstClock.has(struct.id.client)) firstClock.set(struct.id.client, struct.id.clock);
	for (const [client, clock] of firstClock) {
		if (clock > Y.getState(doc.store, client)) return refusedRoot(UNKNOWN)!;
	}

	for (const struct of decoded.structs) {
		if (struct instanceof Y.GC) continue;
		if (!(struct instanceof Y.Item)) return refusedRoot(UNKNOWN)!;
		// Structs the server already has are skipped by Yjs on apply: only new ones need a root.
		if (struct.id.clock + struct.length <= Y.getState(doc.store, struct.id.client)) continue;
		const refused = refusedRoot(resolver.rootOfDecoded(struct));
		if (refused) return refused;
	}

	for (const [client, ranges] of decoded.ds.clients) {
		for (const range of ranges) {
			const end = range.clock + range.len;
			let clock = range.clock;
			while (clock < end) {
				const id = Y.createID(client, clock);
				// Deleting what the server's copy has deleted already changes nothing. A reconnecting
				// editor's answer to sync step 1 carries its whole delete set, the server's own
				// deletions included (a commit overwriting meta's latestVersion): not a write to meta.
				const held = findInDoc(doc, id);
				if (held instanceof Y.Item && held.deleted) {
					clock = held.id.clock + held.length;
					continue;
				}
				const struct = resolver.find(id);
				if (!struct) break; // deleting what nobody has: harmless, and nothing of the server's
				if (struct instanceof Y.Item) {
					const refused = refusedRoot(resolver.rootOfId(id));
					// Deleting content whose root we cannot find is a no-op for the server's own parts.
					if (refused && refused.ok === false && refused.problem === 'forbidden-root') return refused;
				}
				clock = struct.id.clock + struct.length;
			}
		}
	}
	return { ok: true };
}


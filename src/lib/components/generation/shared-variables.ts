// A session's variable values as one page holds them: what it shows, what this person typed and has
// not yet had kept by the server, and the revision each shown value came with. The rules, kept pure
// so they can be tested alone:
// - a value this person is typing (not yet acknowledged) is never overwritten by someone else's;
//   another's change that turns out newer than ours at the server is shown once ours is kept;
// - a change that arrives late (relayed through another instance) never replaces a newer one;
// - a value too long to share stays on this page, unsent, with the reason.
import { SESSION_LIMITS, tooLongMessage, type SessionVariables, type VariablesChangedEvent } from '$lib/realtime/session-events';

interface Heard {
	value: string;
	revision: number;
}

export class SharedVariablesModel {
	/** What the page shows, by name; an absent name is empty. */
	readonly values = new Map<string, string>();
	/** Names typed here and not yet sent. */
	private readonly dirty = new Set<string>();
	/** Names sent and not yet acknowledged, with what was sent. */
	private inFlight = new Map<string, string>();
	/** The revision each shown value came with; `floor` for any name the last snapshot covered. */
	private readonly revisions = new Map<string, number>();
	private floor = 0;
	/** Others' changes to names typed here meanwhile, kept until ours is acknowledged. */
	private readonly heardMeanwhile = new Map<string, Heard>();

	get(name: string): string {
		return this.values.get(name) ?? '';
	}

	/** Whether something typed here is waiting to be sent or acknowledged. */
	get unsent(): boolean {
		return this.dirty.size > 0 || this.inFlight.size > 0;
	}

	/** Why a value cannot be shared (too long), by name. */
	get problems(): Map<string, string> {
		const problems = new Map<string, string>();
		for (const name of this.dirty) {
			const length = this.get(name).length;
			if (length > SESSION_LIMITS.variableValue) problems.set(name, tooLongMessage(name, length));
		}
		return problems;
	}

	/** This person typed `value`. */
	typed(name: string, value: string): void {
		if (value === '') this.values.delete(name);
		else this.values.set(name, value);
		this.dirty.add(name);
	}

	/** The values to send now (nothing while a send is in the air), marked as in flight; null when there is nothing. */
	takeOutgoing(): Record<string, string> | null {
		if (this.inFlight.size > 0) return null;
		const problems = this.problems;
		const ready = [...this.dirty].filter((name) => !problems.has(name)).slice(0, SESSION_LIMITS.variables);
		if (ready.length === 0) return null;
		for (const name of ready) {
			this.dirty.delete(name);
			this.inFlight.set(name, this.get(name));
		}
		return Object.fromEntries(this.inFlight);
	}

	/** The server kept what was in flight under `revision`. */
	acknowledged(revision: number): void {
		for (const name of this.inFlight.keys()) {
			this.revisions.set(name, Math.max(revision, this.revisions.get(name) ?? 0));
			const heard = this.heardMeanwhile.get(name);
			if (heard && !this.dirty.has(name)) {
				this.heardMeanwhile.delete(name);
				if (heard.revision > revision) this.show(name, heard.value, heard.revision);
			}
		}
		this.inFlight = new Map();
	}

	/** What was in flight was not kept: it is sent again with the next send (unless typed over meanwhile). */
	refused(): void {
		for (const name of this.inFlight.keys()) this.dirty.add(name);
		this.inFlight = new Map();
	}

	/** The session's values as the server keeps them (on joining): everything not being typed here follows them. */
	snapshot(kept: SessionVariables): void {
		this.floor = Math.max(this.floor, kept.revision);
		const names = new Set([...this.values.keys(), ...Object.keys(kept.values)]);
		for (const name of names) {
			if ((this.revisions.get(name) ?? 0) > kept.revision) continue; // heard since that read
			if (this.isTypedHere(name)) continue;
			this.show(name, kept.values[name] ?? '', kept.revision);
		}
	}

	/** Someone else changed values; answers whether anything shown changed. */
	changed(event: Pick<VariablesChangedEvent, 'values' | 'revision'>): boolean {
		let shown = false;
		for (const [name, value] of Object.entries(event.values)) {
			if (event.revision <= Math.max(this.floor, this.revisions.get(name) ?? 0)) continue;
			if (this.isTypedHere(name)) {
				const heard = this.heardMeanwhile.get(name);
				if (!heard || heard.revision < event.revision) this.heardMeanwhile.set(name, { value, revision: event.revision });
				continue;
			}
			this.show(name, value, event.revision);
			shown = true;
		}
		return shown;
	}

	private isTypedHere(name: string): boolean {
		return this.dirty.has(name) || this.inFlight.has(name);
	}

	private show(name: string, value: string, revision: number): void {
		if (value === '') this.values.delete(name);
		else this.values.set(name, value);
		this.revisions.set(name, revision);
	}
}

/** The variables among `names` with no value: what a run would fill in as empty text. */
export function emptyVariables(names: readonly string[], valueOf: (name: string) => string): string[] {
	return names.filter((name) => valueOf(name).trim() === '');
}

// Other people's carets and selections in one live editor, drawn from the draft's awareness, and this
// editor's own caret published there. In place of y-codemirror.next's yRemoteSelections, whose caret
// widgets count as equal when their colours are: CodeMirror then kept one person's caret, name label
// and all, for another person wearing the same colour.
import { Annotation, type Range, type Text } from '@codemirror/state';
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet, type ViewUpdate } from '@codemirror/view';
import { yRemoteSelectionsTheme } from 'y-codemirror.next';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { isHexColor } from './user-color';

/** Someone else's caret (and selection, when anchor and head differ) in this editor's text. */
export interface RemoteCaret {
	clientId: number;
	userId: string | null;
	name: string;
	color: string;
	colorLight: string;
	anchor: number;
	head: number;
}

const FALLBACK_COLOR = '#30bced';


/** Recomputes the carets: another editor's presence changed. */
const presenceChanged = Annotation.define<true>();

/** A caret with its name label. Equal only for the same editor of the same person, named and coloured alike. */
export class CaretWidget extends WidgetType {
	constructor(readonly caret: Pick<RemoteCaret, 'clientId' | 'userId' | 'name' | 'color'>) {
		super();
	}

	override eq(other: CaretWidget): boolean {
		const a = this.caret;
		const b = other.caret;
		return a.clientId === b.clientId && a.userId === b.userId && a.name === b.name && a.color === b.color;
	}

	toDOM(view: EditorView): HTMLElement {
		// The same elements and classes as y-codemirror.next draws, so its base theme and ours apply.
		const { name, color } = this.caret;
		const document = view.dom.ownerDocument;
		const caret = document.createElement('span');
		caret.className = 'cm-ySelectionCaret';
		caret.style.backgroundColor = color;
		caret.style.borderColor = color;
		const dot = document.createElement('div');
		dot.className = 'cm-ySelectionCaretDot';
		const info = document.createElement('div');
		info.className = 'cm-ySelectionInfo';
		info.textContent = name;
		caret.append('\u2060', dot, '\u2060', info, '\u2060');
		return caret;
	}

	override ignoreEvent(): boolean {
		return true;
	}
}

/** The carets of everyone but `self` whose cursor is in `ytext`, at their positions there now. */
export function remoteCaretsIn(ytext: Y.Text, states: Map<number, Record<string, unknown>>, self: number): RemoteCaret[] {
	const doc = ytext.doc;
	if (!doc) return [];
	const carets: RemoteCaret[] = [];
	for (const [clientId, state] of states) {
		if (clientId === self) continue;
		const cursor = state.cursor as { anchor?: unknown; head?: unknown } | null | undefined;
		if (!cursor || cursor.anchor == null || cursor.head == null) continue;
		let anchor: Y.AbsolutePosition | null;
		let head: Y.AbsolutePosition | null;
		try {
			anchor = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(cursor.anchor), doc);
			head = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(cursor.head), doc);
		} catch {
			continue; // a position that is not one: another client's bug, not worth a caret
		}
		if (!anchor || !head || anchor.type !== ytext || head.type !== ytext) continue;
		const user = (typeof state.user === 'object' && state.user !== null ? state.user : {}) as Record<string, unknown>;
		// Colours reach a style attribute: only `#rrggbb` (and `#rrggbbaa` for the tint) from another client.
		const color = isHexColor(user.color, 6) ? user.color : FALLBACK_COLOR;
		carets.push({
			clientId,
			userId: typeof user.id === 'string' ? user.id : null,
			name: typeof user.name === 'string' ? user.name : 'Anonymous',
			color,
			colorLight: isHexColor(user.colorLight, 8) ? user.colorLight : `${color}33`,
			anchor: anchor.index,
			head: head.index
		});
	}
	return carets;
}

/** The selection tints and the caret widgets for `carets` in `doc`. */
export function caretDecorations(doc: Text, carets: RemoteCaret[]): DecorationSet {
	const ranges: Range<Decoration>[] = [];
	for (const caret of carets) {
		const start = Math.min(caret.anchor, caret.head, doc.length);
		const end = Math.min(Math.max(caret.anchor, caret.head), doc.length);
		const tint = { attributes: { style: `background-color: ${caret.colorLight}` }, class: 'cm-ySelection' };
		const startLine = doc.lineAt(start);
		const endLine = doc.lineAt(end);
		if (start < end) {
			if (startLine.number === endLine.number) ranges.push(Decoration.mark(tint).range(start, end));
			else {
				if (start < startLine.to) ranges.push(Decoration.mark(tint).range(start, startLine.to));
				for (let n = startLine.number + 1; n < endLine.number; n++) {
					ranges.push(
						Decoration.line({ attributes: { style: `background-color: ${caret.colorLight}`, class: 'cm-yLineSelection' } }).range(doc.line(n).from)
					);
				}
				if (endLine.from < end) ranges.push(Decoration.mark(tint).range(endLine.from, end));
			}
		}
		const head = Math.min(caret.head, doc.length);
		// Outside the selection, so this editor's own caret at the same spot is not hidden inside it.
		ranges.push(Decoration.widget({ widget: new CaretWidget(caret), side: caret.head > caret.anchor ? -1 : 1 }).range(head));
	}
	return Decoration.set(ranges, true);
}

/** Other people's carets in this editor, and this editor's own caret told to them while it has focus. */
export function remoteCarets(ytext: Y.Text, awareness: Awareness) {
	const plugin = ViewPlugin.fromClass(
		class {
			decorations: DecorationSet;
			readonly #onChange: (change: { added: number[]; updated: number[]; removed: number[] }) => void;

			constructor(view: EditorView) {
				this.decorations = this.#draw(view);
				this.#onChange = ({ added, updated, removed }) => {
					if ([...added, ...updated, ...removed].some((id) => id !== awareness.clientID)) {
						view.dispatch({ annotations: presenceChanged.of(true) });
					}
				};
				awareness.on('change', this.#onChange);
			}

			update(update: ViewUpdate) {
				this.#publish(update.view);
				this.decorations = this.#draw(update.view);
			}

			destroy() {
				awareness.off('change', this.#onChange);
			}

			#draw(view: EditorView): DecorationSet {
				return caretDecorations(view.state.doc, remoteCaretsIn(ytext, awareness.getStates() as Map<number, Record<string, unknown>>, awareness.clientID));
			}

			/** Tells the others where this editor's caret is, while it has focus (as y-codemirror.next did). */
			#publish(view: EditorView) {
				const local = awareness.getLocalState();
				if (local === null || !(view.hasFocus && view.dom.ownerDocument.hasFocus())) return;
				const selection = view.state.selection.main;
				const anchor = Y.createRelativePositionFromTypeIndex(ytext, selection.anchor);
				const head = Y.createRelativePositionFromTypeIndex(ytext, selection.head);
				const current = local.cursor as { anchor?: unknown; head?: unknown } | null | undefined;
				const same =
					current?.anchor != null &&
					current.head != null &&
					Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.anchor), anchor) &&
					Y.compareRelativePositions(Y.createRelativePositionFromJSON(current.head), head);
				if (!same) awareness.setLocalStateField('cursor', { anchor, head });
			}
		},
		{ decorations: (value) => value.decorations }
	);
	return [yRemoteSelectionsTheme, plugin];
}

import { describe, expect, it } from 'vitest';
import { EditorState, RangeSet } from '@codemirror/state';
import * as Y from 'yjs';
import { CaretWidget, caretDecorations, remoteCaretsIn, type RemoteCaret } from '$lib/components/editor/remote-carets';

const SAME = '#b8337a';

const caret = (clientId: number, name: string, at: number, more: Partial<RemoteCaret> = {}): RemoteCaret => ({
	clientId,
	userId: `user-${name}`,
	name,
	color: SAME,
	colorLight: `${SAME}33`,
	anchor: at,
	head: at,
	...more
});

/** An awareness cursor in `text` from `anchor` to `head`, as it arrives over the wire (JSON). */
function cursor(text: Y.Text, anchor: number, head = anchor) {
	return JSON.parse(
		JSON.stringify({ anchor: Y.createRelativePositionFromTypeIndex(text, anchor), head: Y.createRelativePositionFromTypeIndex(text, head) })
	) as unknown;
}

describe('other people’s carets in a live editor', () => {
	it('a caret is the same caret only for the same editor of the same person, named and coloured alike', () => {
		const ana = new CaretWidget(caret(1, 'ana', 0));
		expect(ana.eq(new CaretWidget(caret(1, 'ana', 5)))).toBe(true);
		// Two people wearing one colour: never the same caret, so neither shows the other's name.
		expect(ana.eq(new CaretWidget(caret(2, 'ben', 0)))).toBe(false);
		expect(ana.eq(new CaretWidget(caret(2, 'ana', 0)))).toBe(false); // the same person's other tab
		expect(ana.eq(new CaretWidget(caret(1, 'ana', 0, { userId: 'someone-else' })))).toBe(false);
		expect(ana.eq(new CaretWidget(caret(1, 'ana (renamed)', 0)))).toBe(false);
		expect(ana.eq(new CaretWidget(caret(1, 'ana', 0, { color: '#1f7a4d' })))).toBe(false);
	});

	it('two people of one colour trading places is a change to draw, not the same picture', () => {
		const doc = EditorState.create({ doc: 'You review code for security flaws.' }).doc;
		const before = caretDecorations(doc, [caret(1, 'ana', 3), caret(2, 'ben', 10)]);
		const after = caretDecorations(doc, [caret(1, 'ana', 10), caret(2, 'ben', 3)]);
		expect(RangeSet.eq([before], [after])).toBe(false);
		expect(RangeSet.eq([before], [caretDecorations(doc, [caret(2, 'ben', 10), caret(1, 'ana', 3)])])).toBe(true);
		// One leaves and the other takes their place: also a change.
		expect(RangeSet.eq([caretDecorations(doc, [caret(1, 'ana', 3)])], [caretDecorations(doc, [caret(2, 'ben', 3)])])).toBe(false);
	});

	it('draws a selection as a tint over the selected text, line by line, and the caret at its head', () => {
		const doc = EditorState.create({ doc: 'one\ntwo\nthree' }).doc;
		const drawn: Array<{ from: number; to: number; kind: string }> = [];
		caretDecorations(doc, [caret(1, 'ana', 1, { head: 11 })]).between(0, doc.length, (from, to, value) => {
			const spec = value.spec as { widget?: unknown; class?: string; attributes?: { class?: string } };
			drawn.push({ from, to, kind: spec.widget ? 'caret' : (spec.class ?? spec.attributes?.class ?? '') });
		});
		expect(drawn).toEqual([
			{ from: 1, to: 3, kind: 'cm-ySelection' },
			{ from: 4, to: 4, kind: 'cm-yLineSelection' },
			{ from: 8, to: 11, kind: 'cm-ySelection' },
			{ from: 11, to: 11, kind: 'caret' }
		]);
	});

	it('reads everyone else’s cursor in this text from the awareness, at its position now', () => {
		const ydoc = new Y.Doc();
		const system = ydoc.getText('system');
		const template = ydoc.getText('template');
		system.insert(0, 'You review code.');
		template.insert(0, 'Review this:');
		const states = new Map<number, Record<string, unknown>>([
			[1, { user: { id: 'u-ana', name: 'ana', color: SAME, colorLight: `${SAME}33` }, cursor: cursor(system, 4, 10) }],
			[2, { user: { name: 'ben' }, cursor: cursor(system, 0) }],
			[3, { user: { id: 'u-cyd', name: 'cyd', color: SAME }, cursor: cursor(template, 2) }],
			[4, { user: { id: 'u-dan', name: 'dan' } }],
			[5, { user: { id: 'u-eve', name: 'eve' }, cursor: { anchor: 'nonsense', head: 42 } }],
			[ydoc.clientID, { user: { id: 'u-me', name: 'me' }, cursor: cursor(system, 1) }]
		]);
		system.insert(0, '>> ');
		expect(remoteCaretsIn(system, states, ydoc.clientID)).toEqual([
			{ clientId: 1, userId: 'u-ana', name: 'ana', color: SAME, colorLight: `${SAME}33`, anchor: 7, head: 13 },
			{ clientId: 2, userId: null, name: 'ben', color: '#30bced', colorLight: '#30bced33', anchor: 3, head: 3 }
		]);
		expect(remoteCaretsIn(template, states, ydoc.clientID).map((c) => c.name)).toEqual(['cyd']);
	});

	it('lets only #rrggbb colours of another client reach a style: anything else wears the fallback', () => {
		const ydoc = new Y.Doc();
		const text = ydoc.getText('system');
		text.insert(0, 'You review code.');
		const hostile = 'red; position: fixed; inset: 0; z-index: 99';
		const states = new Map<number, Record<string, unknown>>([
			[1, { user: { id: 'u-mal', name: 'mal', color: hostile, colorLight: `#000000; ${hostile}` }, cursor: cursor(text, 2) }],
			[2, { user: { id: 'u-ok', name: 'ok', color: '#12abEF', colorLight: '#12abef33' }, cursor: cursor(text, 3) }]
		]);
		const [mal, ok] = remoteCaretsIn(text, states, ydoc.clientID);
		expect(mal).toMatchObject({ color: '#30bced', colorLight: '#30bced33' });
		expect(ok).toMatchObject({ color: '#12abEF', colorLight: '#12abef33' });
	});
});

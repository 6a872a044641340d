// Highlights Mustache tags in the template editor as they are typed: one class per kind of tag,
// matched by TEMPLATE_TAG over the visible lines only (MatchDecorator re-matches changed lines).
import { Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { TEMPLATE_TAG, tagOf, type TemplateTagKind } from './template-tags';

const marks: Record<TemplateTagKind, Decoration> = {
	variable: Decoration.mark({ class: 'cm-templateTag cm-templateVariable' }),
	section: Decoration.mark({ class: 'cm-templateTag cm-templateSection' }),
	inverted: Decoration.mark({ class: 'cm-templateTag cm-templateInverted' }),
	end: Decoration.mark({ class: 'cm-templateTag cm-templateEnd' })
};

const decorator = new MatchDecorator({
	regexp: TEMPLATE_TAG,
	decoration: (match) => marks[tagOf(match).kind]
});

export const templateHighlight = ViewPlugin.fromClass(
	class {
		decorations: DecorationSet;
		constructor(view: EditorView) {
			this.decorations = decorator.createDeco(view);
		}
		update(update: ViewUpdate) {
			this.decorations = decorator.updateDeco(update, this.decorations);
		}
	},
	{ decorations: (plugin) => plugin.decorations }
);

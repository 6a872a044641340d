// The editors' look, from the app's design tokens (CSS variables), so one theme follows the
// light/dark switch without reconfiguring CodeMirror. Also restyles y-codemirror's remote carets:
// the name label stays visible (not only on hover), in the app's font.
import { EditorView } from '@codemirror/view';

export const editorTheme = EditorView.theme({
	'&': {
		color: 'var(--foreground)',
		backgroundColor: 'var(--card)',
		border: '1px solid var(--input)',
		borderRadius: 'var(--radius)',
		fontSize: '13.5px',
		transition: 'border-color 150ms, box-shadow 150ms'
	},
	'.dark &': { backgroundColor: 'color-mix(in oklch, var(--background) 40%, transparent)' },
	'&.cm-focused': {
		outline: 'none',
		borderColor: 'var(--ring)',
		boxShadow: '0 0 0 3px color-mix(in oklch, var(--ring) 25%, transparent)'
	},
	'.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.6', overflow: 'auto' },
	// Room above the first line for a remote caret's name label.
	'.cm-content': { padding: '14px 0 8px', caretColor: 'var(--foreground)' },
	'.cm-line': { padding: '0 12px' },
	'.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--foreground)' },
	'&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection':
		{ backgroundColor: 'color-mix(in oklch, var(--primary) 22%, transparent)' },
	'.cm-activeLine': { backgroundColor: 'transparent' },
	'&.cm-focused .cm-activeLine': { backgroundColor: 'color-mix(in oklch, var(--muted) 70%, transparent)' },
	'.cm-placeholder': { color: 'var(--muted-foreground)', fontStyle: 'normal' },
	'&.cm-readonly .cm-content': { cursor: 'default' },

	'.cm-templateTag': { borderRadius: '3px', padding: '1px 0', fontWeight: '600' },
	'.cm-templateVariable': {
		color: 'var(--primary)',
		backgroundColor: 'color-mix(in oklch, var(--primary) 12%, transparent)'
	},
	'.dark & .cm-templateVariable': { color: 'var(--accent-foreground)' },
	'.cm-templateSection, .cm-templateInverted, .cm-templateEnd': {
		color: 'oklch(0.5 0.13 155)',
		backgroundColor: 'oklch(0.6 0.13 155 / 0.12)'
	},
	'.dark & .cm-templateSection, .dark & .cm-templateInverted, .dark & .cm-templateEnd': { color: 'oklch(0.78 0.13 155)' },
	'.cm-templateInverted': { fontStyle: 'italic' },

	'.cm-ySelectionCaret': { borderLeftWidth: '2px', borderRightWidth: '0', marginLeft: '-1px', marginRight: '-1px' },
	'.cm-ySelectionInfo': {
		opacity: '1',
		top: '-1.35em',
		left: '-2px',
		padding: '1px 5px',
		borderRadius: '4px 4px 4px 0',
		fontFamily: 'var(--font-sans)',
		fontSize: '11px',
		fontWeight: '600',
		lineHeight: '1.3'
	},
	'.cm-ySelectionCaretDot': { display: 'none' }
});

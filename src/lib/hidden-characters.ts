// Characters a reader cannot see but a program, a terminal or a compiler acts on, made visible in
// text a model wrote before anyone reads or copies it: control characters (an escape in a copied
// command ends a terminal's bracketed paste early, and what follows it runs as it is pasted) and the
// bidirectional controls that show code in an order other than the one it runs in (Trojan Source,
// CVE-2021-42574). What is shown is then exactly what a Copy button copies. Tabs and line breaks stay.

/** C0 controls but tab, line feed and carriage return; DEL; C1 controls; bidirectional marks, embeddings, overrides and isolates. */
const HIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const codePoint = (char: string) => `<U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;

/** A C0 control as its Control Pictures symbol (ESC → ␛, BEL → ␇), DEL as ␡; anything else as `<U+202E>`. */
function visible(char: string): string {
	const code = char.codePointAt(0)!;
	if (code < 0x20) return String.fromCodePoint(0x2400 + code);
	if (code === 0x7f) return '\u2421';
	return codePoint(char);
}

/** `text` with every hidden control shown as a visible symbol or its code point. */
export function revealHidden(text: string): string {
	return text.replace(HIDDEN, visible);
}

// The colour a person's cursor, selection and presence badge wear in the live editor: derived from
// the user id alone, so every client and every session paints the same person the same way.

export interface UserColor {
	/** The caret and name label: `#rrggbb`, dark enough for white text in light and dark themes. */
	color: string;
	/** The selection tint: the same hue, translucent (`#rrggbbaa`). */
	colorLight: string;
}

/** FNV-1a, 32 bits: cheap, stable across runtimes, well spread for short ids. */
function hash(text: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return h >>> 0;
}

function hex(n: number): string {
	return Math.round(Math.min(255, Math.max(0, n)))
		.toString(16)
		.padStart(2, '0');
}

/** HSL (degrees, 0–1, 0–1) to `#rrggbb`. */
export function hslToHex(h: number, s: number, l: number): string {
	const a = s * Math.min(l, 1 - l);
	const channel = (n: number) => {
		const k = (n + h / 30) % 12;
		return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
	};
	return `#${hex(channel(0))}${hex(channel(8))}${hex(channel(4))}`;
}

/** WCAG relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * A user's colours: one of 24 evenly spaced hues, as light as it can be while white text on it
 * keeps a 4.5:1 contrast (yellows and greens come out darker than blues).
 */
export function userColor(userId: string): UserColor {
	const hue = (hash(userId) % 24) * 15;
	let lightness = 0.5;
	let color = hslToHex(hue, 0.7, lightness);
	while ((1.05 / (luminance(color) + 0.05)) < 4.5 && lightness > 0.2) {
		lightness -= 0.02;
		color = hslToHex(hue, 0.7, lightness);
	}
	return { color, colorLight: `${color}33` };
}

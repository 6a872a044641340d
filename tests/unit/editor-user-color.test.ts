import { describe, expect, it } from 'vitest';
import { hslToHex, luminance, userColor } from '$lib/components/editor/user-color';

const ids = Array.from({ length: 200 }, (_, i) => `2b7f${i.toString(16).padStart(4, '0')}-4c1e-4d7a-9a51-${(i * 7919).toString(16).padStart(12, '0')}`);

describe('a user’s colour in the live editor', () => {
	it('is the same for the same user id, on every call and every client', () => {
		expect(userColor(ids[0]!)).toEqual(userColor(ids[0]!));
		expect(userColor('0f8fad5b-d9cb-469f-a165-70867728950e')).toEqual(userColor('0f8fad5b-d9cb-469f-a165-70867728950e'));
	});

	it('is a CSS hex colour, and its selection tint is the same colour, translucent', () => {
		for (const id of ids.slice(0, 20)) {
			const { color, colorLight } = userColor(id);
			expect(color).toMatch(/^#[0-9a-f]{6}$/);
			expect(colorLight).toBe(`${color}33`);
		}
	});

	it('tells different people apart: many distinct colours over many users', () => {
		const colors = new Set(ids.map((id) => userColor(id).color));
		expect(colors.size).toBeGreaterThanOrEqual(16);
	});

	it('is dark enough for the white name label on it (contrast at least 4.5:1)', () => {
		for (const id of ids) {
			const contrast = (1 + 0.05) / (luminance(userColor(id).color) + 0.05);
			expect(contrast).toBeGreaterThanOrEqual(4.5);
		}
	});

	it('measures luminance the WCAG way', () => {
		expect(luminance('#ffffff')).toBeCloseTo(1);
		expect(luminance('#000000')).toBe(0);
		expect(luminance('#767676')).toBeCloseTo(0.181, 3); // the grey with exactly 4.54:1 on white
	});

	it('converts HSL to hex', () => {
		expect(hslToHex(0, 1, 0.5)).toBe('#ff0000');
		expect(hslToHex(120, 1, 0.25)).toBe('#008000');
		expect(hslToHex(240, 1, 0.5)).toBe('#0000ff');
		expect(hslToHex(0, 0, 1)).toBe('#ffffff');
	});
});

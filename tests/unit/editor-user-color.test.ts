import { describe, expect, it } from 'vitest';
import { HUES, hslToHex, hueColor, luminance, preferredHue, presenceOf, roomColor, userColor, type RoomPresence } from '$lib/components/editor/user-color';

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

/** `n` user ids whose preferred hues are the same (as people in one room may have). */
function sameHue(n: number): string[] {
	const byHue = new Map<number, string[]>();
	for (const id of ids) {
		const group = byHue.get(preferredHue(id)) ?? [];
		group.push(id);
		byHue.set(preferredHue(id), group);
		if (group.length === n) return group;
	}
	throw new Error(`no ${n} ids share a hue`);
}

const present = (clientId: number, userId: string, joinedAt: number | null, color = userColor(userId).color): RoomPresence => ({
	clientId,
	userId,
	color,
	joinedAt
});

describe('colours in one room', () => {
	const [ana, ben, cyd, dan] = sameHue(4) as [string, string, string, string];

	it('each of the hues is a colour of its own', () => {
		const colors = new Set(Array.from({ length: HUES }, (_, hue) => hueColor(hue).color));
		expect(colors.size).toBe(HUES);
		expect(hueColor(HUES + 3)).toEqual(hueColor(3));
		expect(userColor(ana)).toEqual(hueColor(preferredHue(ana)));
	});

	it('a person alone, or among people of other colours, wears their own colour', () => {
		expect(roomColor({ clientId: 7, userId: ana, joinedAt: 1000 }, [])).toEqual(userColor(ana));
		const other = ids.find((id) => preferredHue(id) !== preferredHue(ana))!;
		expect(roomColor({ clientId: 7, userId: ana, joinedAt: 1000 }, [present(3, other, 500)])).toEqual(userColor(ana));
	});

	it('whoever came later moves to the next free hue; whoever came first keeps theirs', () => {
		const early = present(900, ana, 1000);
		const late = { clientId: 10, userId: ben, joinedAt: 2000 };
		expect(roomColor(late, [early])).toEqual(hueColor(preferredHue(ben) + 1));
		expect(roomColor({ clientId: early.clientId, userId: ana, joinedAt: 1000 }, [present(10, ben, 2000)])).toEqual(userColor(ana));
	});

	it('two who join at the same moment: the larger client id moves', () => {
		expect(roomColor({ clientId: 5, userId: ana, joinedAt: 1000 }, [present(9, ben, 1000)])).toEqual(userColor(ana));
		expect(roomColor({ clientId: 9, userId: ben, joinedAt: 1000 }, [present(5, ana, 1000)])).toEqual(hueColor(preferredHue(ben) + 1));
	});

	it('skips every hue worn by someone earlier, round the wheel', () => {
		const hue = preferredHue(ben);
		const earlier = [present(1, 'a', 1, hueColor(hue).color), present(2, 'b', 2, hueColor(hue + 1).color), present(3, 'c', 3, hueColor(hue + 2).color)];
		expect(roomColor({ clientId: 4, userId: ben, joinedAt: 10 }, earlier)).toEqual(hueColor(hue + 3));
		const full = Array.from({ length: HUES }, (_, i) => present(100 + i, `u${i}`, 1, hueColor(i).color));
		expect(roomColor({ clientId: 4, userId: ben, joinedAt: 10 }, full)).toEqual(userColor(ben));
	});

	it('a client that does not say when it joined never moves, so the others avoid its colour', () => {
		expect(roomColor({ clientId: 1, userId: ana, joinedAt: 0 }, [present(2, ben, null)])).toEqual(hueColor(preferredHue(ana) + 1));
	});

	it('another tab of the same person is no clash: both wear the same colour', () => {
		expect(roomColor({ clientId: 8, userId: ana, joinedAt: 2000 }, [present(4, ana, 1000)])).toEqual(userColor(ana));
	});

	it('settles: applying the rule in turn leaves everyone in a colour of their own, whatever the order', () => {
		// Five people, four of whom prefer one hue, all wearing it at first; each in turn re-picks on
		// what the others wear at that moment, latest first (the worst order).
		const people = [
			{ clientId: 50, userId: ana, joinedAt: 3000 },
			{ clientId: 20, userId: ben, joinedAt: 1000 },
			{ clientId: 30, userId: cyd, joinedAt: 1000 },
			{ clientId: 40, userId: dan, joinedAt: 2000 },
			{ clientId: 60, userId: ids.find((id) => preferredHue(id) === (preferredHue(ben) + 1) % HUES)!, joinedAt: 500 }
		];
		const wearing = new Map(people.map((p) => [p.clientId, hueColor(preferredHue(ben)).color]));
		for (let round = 0; round < people.length; round++) {
			for (const person of [...people].reverse()) {
				const others = people.filter((p) => p !== person).map((p) => present(p.clientId, p.userId, p.joinedAt, wearing.get(p.clientId)));
				wearing.set(person.clientId, roomColor(person, others).color);
			}
		}
		expect(new Set(wearing.values()).size).toBe(people.length);
		// Each in the order they came: own hue, or the next that nobody earlier wears.
		const hue = preferredHue(ben);
		expect(wearing.get(60)).toBe(hueColor(hue + 1).color);
		expect(wearing.get(20)).toBe(hueColor(hue).color);
		expect(wearing.get(30)).toBe(hueColor(hue + 2).color);
		expect(wearing.get(40)).toBe(hueColor(hue + 3).color);
		expect(wearing.get(50)).toBe(hueColor(hue + 4).color);
	});

	it('reads a presence entry whatever a client sent', () => {
		expect(presenceOf(3, { user: { id: ana, color: '#123456', joinedAt: 5, name: 'ana' } })).toEqual({ clientId: 3, userId: ana, color: '#123456', joinedAt: 5 });
		expect(presenceOf(4, null)).toEqual({ clientId: 4, userId: null, color: null, joinedAt: null });
		expect(presenceOf(5, { user: { id: 7, color: ['#fff'], joinedAt: 'soon' } })).toEqual({ clientId: 5, userId: null, color: null, joinedAt: null });
		expect(presenceOf(6, { user: 'ana' })).toEqual({ clientId: 6, userId: null, color: null, joinedAt: null });
	});
});

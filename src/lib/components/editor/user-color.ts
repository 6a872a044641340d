// The colour a person's cursor, selection and presence badge wear in the live editor: derived from
// the user id, so every client paints the same person the same way, and moved on to the next free
// hue when someone who came into the room earlier already wears it.

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

/** How many hues the live editor paints people in, evenly spaced round the colour wheel. */
export const HUES = 24;

/** The hue a user wears unless someone else in the room has it: from the user id alone. */
export function preferredHue(userId: string): number {
	return hash(userId) % HUES;
}

/**
 * The colours of one of the `HUES` hues: as light as it can be while white text on it keeps a 4.5:1
 * contrast (yellows and greens come out darker than blues).
 */
export function hueColor(hue: number): UserColor {
	const degrees = (((hue % HUES) + HUES) % HUES) * (360 / HUES);
	let lightness = 0.5;
	let color = hslToHex(degrees, 0.7, lightness);
	while ((1.05 / (luminance(color) + 0.05)) < 4.5 && lightness > 0.2) {
		lightness -= 0.02;
		color = hslToHex(degrees, 0.7, lightness);
	}
	return { color, colorLight: `${color}33` };
}

/** A user's own colours, before anyone else in the room is considered. */
export function userColor(userId: string): UserColor {
	return hueColor(preferredHue(userId));
}

/** One editor present in a room, as its awareness entry describes it. */
export interface RoomPresence {
	clientId: number;
	/** The person; one person's tabs share it. */
	userId: string | null;
	color: string | null;
	/** When that editor opened (ms, its own clock); null for a client that does not say, which never gives way. */
	joinedAt: number | null;
}

/** Reads an awareness entry (`{ user: { id, color, joinedAt } }`, as a client sent it: anything). */
export function presenceOf(clientId: number, state: unknown): RoomPresence {
	const user = typeof state === 'object' && state !== null ? (state as { user?: unknown }).user : undefined;
	const field = (key: string) => (typeof user === 'object' && user !== null ? (user as Record<string, unknown>)[key] : undefined);
	const id = field('id');
	const color = field('color');
	const joinedAt = field('joinedAt');
	return {
		clientId,
		userId: typeof id === 'string' ? id : null,
		color: typeof color === 'string' ? color : null,
		joinedAt: typeof joinedAt === 'number' && Number.isFinite(joinedAt) ? joinedAt : null
	};
}

/**
 * The colours `self` wears among `others` in one room, so that no two people there look alike: its
 * preferred hue, unless someone ahead of it already wears that colour; then the next hue round the
 * wheel that nobody ahead wears. Ahead means joined earlier (a tie: the smaller client id), or a
 * client that does not say when it joined (it will not move). Everyone applies the same rule to the
 * same entries, so whoever came later moves and the room settles after at most one move per person.
 * Another tab of the same person is nobody else: it wears the same colour. With every hue taken,
 * the preferred one.
 */
export function roomColor(self: { clientId: number; userId: string; joinedAt: number }, others: Iterable<RoomPresence>): UserColor {
	const taken = new Set<string>();
	for (const other of others) {
		if (other.clientId === self.clientId || other.userId === self.userId || other.color === null) continue;
		const ahead =
			other.joinedAt === null ||
			other.joinedAt < self.joinedAt ||
			(other.joinedAt === self.joinedAt && other.clientId < self.clientId);
		if (ahead) taken.add(other.color.toLowerCase());
	}
	const preferred = preferredHue(self.userId);
	for (let step = 0; step < HUES; step++) {
		const colors = hueColor(preferred + step);
		if (!taken.has(colors.color)) return colors;
	}
	return hueColor(preferred);
}

/** `#` and exactly `digits` hex digits: nothing else of another client's may reach a style. */
export function isHexColor(value: unknown, digits: 6 | 8): value is string {
	return typeof value === 'string' && value.length === digits + 1 && /^#[0-9a-f]+$/i.test(value);
}

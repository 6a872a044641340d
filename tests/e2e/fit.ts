// Does a page fit its screen? What a person on a phone or a desktop would notice first: the page
// scrolling sideways, a control or text cut off by the edge of its box, an error in the console.
// Used by pages-fit.spec.ts (every main page) and walk.spec.ts (the site admin's pages).
import { expect, type Page } from '@playwright/test';

export const SCREENS = [
	{ name: 'desktop', width: 1440, height: 900 },
	{ name: 'phone', width: 390, height: 844 }
] as const;
export const SCHEMES = ['light', 'dark'] as const;

/** What a page's visible elements show beyond their screen or their clipping box. */
export interface FitProblem {
	element: string;
	problem: string;
}

/**
 * Runs in the page. An element counts as cut off when part of it lies outside the viewport's width
 * or outside an ancestor that clips (overflow hidden or clip) — unless an ancestor between them
 * scrolls (overflow auto or scroll), which lets the person reach it. Text that ends in an ellipsis
 * (text-overflow) is shortened on purpose and counts as fitting; so does an element one pixel or
 * smaller (the screen-reader-only pattern).
 * Soft assertions: one run lists every page's problems.
 */
function findFitProblems(): FitProblem[] {
	const viewportWidth = document.documentElement.clientWidth;
	const problems: FitProblem[] = [];
	const describe = (element: Element) => {
		const text = (element.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
		const label = element.getAttribute('aria-label');
		return `<${element.tagName.toLowerCase()}> ${JSON.stringify(label ?? text)}`;
	};
	const selector = 'a, button, input, select, textarea, label, h1, h2, h3, h4, p, dt, dd, td, th, li, code, [role="status"]';
	for (const element of document.querySelectorAll(selector)) {
		const box = element.getBoundingClientRect();
		if (box.width < 2 || box.height < 2) continue;
		// Not shown: inside a closed <details>, display none, visibility hidden.
		if (!element.checkVisibility({ visibilityProperty: true })) continue;
		const style = getComputedStyle(element);
		if (style.position === 'fixed') continue;
		// Hidden on purpose, for screen readers only (Tailwind's sr-only clips to nothing).
		if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) continue;
		let reachable = false;
		let clippedBy: Element | null = null;
		for (let ancestor = element.parentElement; ancestor && ancestor !== document.body; ancestor = ancestor.parentElement) {
			const overflow = getComputedStyle(ancestor).overflowX;
			if (overflow === 'auto' || overflow === 'scroll') {
				reachable = true;
				break;
			}
			if (overflow === 'hidden' || overflow === 'clip') {
				const clip = ancestor.getBoundingClientRect();
				if (box.left < clip.left - 1 || box.right > clip.right + 1) {
					clippedBy = ancestor;
					break;
				}
			}
		}
		if (reachable) continue;
		if (clippedBy) problems.push({ element: describe(element), problem: `cut off by ${describe(clippedBy)}` });
		else if (box.left < -1 || box.right > viewportWidth + 1)
			problems.push({ element: describe(element), problem: `spans ${Math.round(box.left)}–${Math.round(box.right)} px of a ${viewportWidth} px screen` });
		// Its own text running past its box, hidden, without an ellipsis to say so.
		const clipsOwnText = style.overflowX === 'hidden' || style.overflowX === 'clip';
		if (clipsOwnText && style.textOverflow !== 'ellipsis' && element.scrollWidth > element.clientWidth + 1 && element.children.length === 0)
			problems.push({ element: describe(element), problem: 'its text runs past its box' });
	}
	return problems;
}

/**
 * Collects the page's console errors and uncaught exceptions from now on; `take()` returns them and
 * starts afresh.
 */
export function watchConsole(page: Page) {
	let errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(error.message));
	return {
		take() {
			const taken = errors;
			errors = [];
			return taken;
		}
	};
}

/** Asserts (softly: the test goes on and fails at its end) the page as shown now does not scroll sideways and cuts nothing off. */
export async function expectPageFits(page: Page, where: string) {
	const { scrollWidth, clientWidth } = await page.evaluate(() => ({
		scrollWidth: document.documentElement.scrollWidth,
		clientWidth: document.documentElement.clientWidth
	}));
	expect.soft(scrollWidth, `${where}: the page scrolls sideways (${scrollWidth} px of content on a ${clientWidth} px screen)`).toBeLessThanOrEqual(clientWidth);
	expect.soft(await page.evaluate(findFitProblems), `${where}: elements cut off`).toEqual([]);
}

/** Saves the page as it is now at each screen width and scheme, when SCREENSHOT_DIR asks for it. */
export async function screenshots(page: Page, name: string, fullPage = true) {
	const dir = process.env.SCREENSHOT_DIR;
	if (!dir) return;
	const before = page.viewportSize();
	for (const screen of SCREENS) {
		await page.setViewportSize({ width: screen.width, height: screen.height });
		for (const scheme of SCHEMES) {
			await page.emulateMedia({ colorScheme: scheme });
			await page.screenshot({ path: `${dir}/${name}-${screen.width}-${scheme}.png`, fullPage });
		}
	}
	await page.emulateMedia({ colorScheme: 'light' });
	if (before) await page.setViewportSize(before);
}

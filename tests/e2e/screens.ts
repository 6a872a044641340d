// Pictures of the pages a spec walks, for a person to look at: only with SCREENSHOT_DIR set.
import type { Page } from '@playwright/test';

/**
 * Saves the page, top to bottom, one window-high picture at a time, under SCREENSHOT_DIR (for a
 * person to look at the pages a spec walks; nothing is checked).
 */
export async function saveScreens(page: Page, name: string, most = 5): Promise<void> {
	const dir = process.env.SCREENSHOT_DIR;
	if (!dir) return;
	await page.evaluate(() => window.scrollTo(0, 0));
	const { width, height } = page.viewportSize()!;
	const total = await page.evaluate(() => document.documentElement.scrollHeight);
	for (let i = 0, y = 0; y < total && i < most; i++, y += height) {
		await page.screenshot({ path: `${dir}/${name}-${i + 1}.png`, fullPage: true, clip: { x: 0, y, width, height: Math.min(height, total - y) } });
	}
}

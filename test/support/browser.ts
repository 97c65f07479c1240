// Debian's Chromium driven by playwright-core, plus the checks every hosted page must pass:
// axe (no serious or critical violation), no CSP violation, no horizontal scroll at 320 px, no
// layout shift, and screenshots kept under test-artifacts/screenshots/ for people to look at.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** CI installs it (.ci/install-browser.sh); a missing browser fails the run instead of skipping it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run .ci/install-browser.sh (browser tests never skip).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface TrackedContext {
  context: BrowserContext;
  page: Page;
  /** Content-Security-Policy violations reported by the pages so far (inline script or style...). */
  cspViolations: string[];
}

/** A fresh browser profile (own cookies) with one page; CSP stays enforced, and violations are recorded. */
export async function openContext(browser: Browser, options: { width?: number; javaScriptEnabled?: boolean } = {}): Promise<TrackedContext> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 800 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  // Well inside jest's 30 s, so a stuck step fails with Playwright's own message (what it waited for).
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { context, page, cspViolations };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core on the page as it is now. The script goes in through the DevTools protocol
 * (page.evaluate), not a <script> tag: the pages' CSP rightly refuses inline scripts.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return (result.violations as AxeViolation[]).map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/** The serious and critical ones, readable in a failing assertion's diff. */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Sum of the layout-shift scores Chromium recorded since the page started loading. */
export async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
            if (!entry.hadRecentInput) total += entry.value;
          }
        });
        observer.observe({ type: 'layout-shift', buffered: true });
        // Buffered entries are delivered in the observer's first callback, queued as a task.
        setTimeout(() => {
          observer.disconnect();
          resolve(total);
        }, 0);
      }),
  );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface PageReport {
  serious: string[];
  cspViolations: string[];
  layoutShift: number;
  overflowAt320: boolean;
}

/**
 * Everything a hosted page must pass, measured on the page as it stands: axe at desktop width,
 * then again at 320 px (no horizontal scrolling), with a screenshot of each. The viewport is
 * restored afterwards so the journey continues unchanged.
 */
export async function inspectPage(tracked: TrackedContext, name: string): Promise<PageReport> {
  const { page } = tracked;
  await page.waitForLoadState('load');
  const shift = await layoutShift(page);
  const serious = await seriousViolations(page);
  await screenshot(page, name);
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 320, height: 640 });
  const overflowAt320 = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  const seriousNarrow = await seriousViolations(page);
  await screenshot(page, `${name}-320px`);
  await page.setViewportSize(viewport);
  return { serious: [...new Set([...serious, ...seriousNarrow])], cspViolations: [...tracked.cspViolations], layoutShift: shift, overflowAt320 };
}

/** Asserts the page passes every check; each check can fail on its own. */
export async function expectGoodPage(tracked: TrackedContext, name: string): Promise<void> {
  const report = await inspectPage(tracked, name);
  expect(report.serious).toEqual([]);
  expect(report.cspViolations).toEqual([]);
  expect(report.overflowAt320).toBe(false);
  expect(report.layoutShift).toBeLessThan(0.01);
}

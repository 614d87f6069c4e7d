// What the browser tests share: Chromium launched through the pinned playwright-core
// (Debian's /usr/bin/chromium, or AAP_CHROMIUM), the pinned axe-core, and the check of
// one page at one width: axe's violations (every rule it runs by default: WCAG 2 A and AA,
// WCAG 2.1 and 2.2 AA, best practices), reflow (scroll width), the fonts loaded and a
// full-page screenshot.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The widths every page is checked at.
export const widths = [1280, 320];

export function launch() {
  const executablePath = process.env.AAP_CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

// watch records the page's Content-Security-Policy violations and failed sub-requests.
export function watch(page) {
  const seen = { cspViolations: [], failedRequests: [] };
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) seen.cspViolations.push(m.text()); });
  page.on('response', (r) => { if (r.request().resourceType() !== 'document' && r.status() >= 400) seen.failedRequests.push(`${r.status()} ${r.url()}`); });
  return seen;
}

// measure checks the page as it stands, at its current width, and saves its screenshot.
export async function measure(page, seen, { name, width, status, screenshotDir }) {
  await page.evaluate(axeSource);
  const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const layout = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    fontFamily: getComputedStyle(document.body).fontFamily,
    fontsLoaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
  }));
  const screenshot = path.join(screenshotDir, `${name}-${width}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return {
    name, width, status, ...layout, screenshot, cspViolations: [...seen.cspViolations], failedRequests: [...seen.failedRequests],
    violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
  };
}

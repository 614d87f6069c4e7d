// Loads pages in real Chromium (Debian's /usr/bin/chromium, driven by the pinned
// playwright-core) and checks each with the pinned axe-core: every rule axe runs
// by default (WCAG 2 A and AA, WCAG 2.1 and 2.2 AA, best practices), at 1280 and
// 320 px wide; reflow at 320 px (no horizontal scroll); a full-page screenshot
// at each width. Run by the Go test api/pages_browser_test.go, which starts the
// engine's HTTP handler and passes the pages as JSON on stdin:
//   {"screenshotDir": "...", "pages": [{"name": "...", "url": "...", "cookie": "a=b",
//     "fill": {"field": "value"}, "submit": true}]}
// It prints one JSON result per page and width on stdout.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const input = JSON.parse(readFileSync(0, 'utf8'));
const executablePath = process.env.AAP_CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const results = [];
try {
  for (const p of input.pages) {
    for (const width of [1280, 320]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR' });
      if (p.cookie) await context.setExtraHTTPHeaders({ Cookie: p.cookie });
      const page = await context.newPage();
      const cspViolations = [];
      page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });
      const failed = [];
      page.on('response', (r) => { if (r.request().resourceType() !== 'document' && r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
      const response = await page.goto(p.url, { waitUntil: 'load' });
      let status = response.status();
      if (p.fill) {
        for (const [name, value] of Object.entries(p.fill)) await page.fill(`[name="${name}"]`, value);
      }
      if (p.submit) {
        // The server's checks are what is tested: the browser's own (required, minlength) are set aside.
        await page.evaluate(() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; }));
        const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main button[type="submit"]')]);
        status = r ? r.status() : 0;
      }
      await page.evaluate(axeSource);
      const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        fontFamily: getComputedStyle(document.body).fontFamily,
        fontsLoaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
      }));
      const screenshot = path.join(input.screenshotDir, `${p.name}-${width}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      results.push({
        name: p.name, width, status, ...layout, screenshot, cspViolations, failedRequests: failed,
        violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
      });
      await context.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));

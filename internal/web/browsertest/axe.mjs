// Loads pages in real Chromium and checks each with axe-core at 1280 and 320 px wide
// (measure.mjs: axe's violations, reflow, fonts, a full-page screenshot). Run by the Go
// test api/pages_browser_test.go, which starts the engine's HTTP handler and passes the
// pages as JSON on stdin:
//   {"screenshotDir": "...", "pages": [{"name": "...", "url": "...", "cookie": "a=b",
//     "fill": {"field": "value"}, "check": {"radio": "value"}, "submit": true, "once": true}]}
// It prints one JSON result per page and width on stdout.
import { readFileSync } from 'node:fs';
import { launch, measure, watch, widths } from './measure.mjs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const browser = await launch();
const results = [];
try {
  for (const p of input.pages) {
    for (const width of widths) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'fr-FR' });
      if (p.cookie) await context.setExtraHTTPHeaders({ Cookie: p.cookie });
      const page = await context.newPage();
      const seen = watch(page);
      const response = await page.goto(p.url, { waitUntil: 'load' });
      let status = response.status();
      // A form whose acceptance changes the page ("once") is sent at the first width only;
      // the other widths load the page as it now is.
      const acting = !(p.once && width !== widths[0]);
      if (p.fill && acting) {
        for (const [name, value] of Object.entries(p.fill)) await page.fill(`[name="${name}"]`, value);
      }
      if (p.check && acting) {
        // As a person does: a click on the radio's label (the DSFR draws the button on it).
        for (const [name, value] of Object.entries(p.check)) {
          const id = await page.getAttribute(`[name="${name}"][value="${value}"]`, 'id');
          await page.click(`label[for="${id}"]`);
        }
      }
      if (p.submit && acting) {
        // The server's checks are what is tested: the browser's own (required, minlength) are set aside.
        await page.evaluate(() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; }));
        const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main button[type="submit"]')]);
        status = r ? r.status() : 0;
      }
      results.push(await measure(page, seen, { name: p.name, width, status, screenshotDir: input.screenshotDir }));
      await context.close();
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));

// Follows a dossier on « Mon dossier » in real Chromium, as an association does from the
// link of an email: opens the link, then at each later step fills the fields of the one
// action due now, attaches its file (the signed Cerfa n° 15059*02) and sends the form.
// After each step the pinned axe-core checks the page at 1280 and 320 px (measure.mjs:
// reflow, fonts, a full-page screenshot). Run by internal/engine's browser test, with
// on stdin:
//   {"screenshotDir": "...", "url": "...",
//    "steps": [{"name": "...", "fill": {"name": "value"}, "files": {"name": "/path"}, "submit": true}]}
// The first step only opens the url. It prints {"steps": [{name, width, status, ...}],
// "texts": ["<main>'s text after each step"]}.
import { readFileSync } from 'node:fs';
import { launch, measure, watch, widths } from './measure.mjs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const browser = await launch();
const out = { steps: [], texts: [] };

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  const seen = watch(page);
  let status = (await page.goto(input.url, { waitUntil: 'load' })).status();
  for (const step of input.steps) {
    for (const [name, value] of Object.entries(step.fill || {})) await page.fill(`main [name="${name}"]`, value);
    for (const [name, file] of Object.entries(step.files || {})) await page.setInputFiles(`main [name="${name}"]`, file);
    if (step.submit) {
      const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main form button[type="submit"]')]);
      status = r ? r.status() : 0;
    }
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      out.steps.push(await measure(page, seen, { name: step.name, width, status, screenshotDir: input.screenshotDir }));
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    out.texts.push(await page.locator('main').innerText());
  }
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

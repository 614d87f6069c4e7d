// Files a dossier through the online form in real Chromium (Debian's /usr/bin/chromium,
// driven by the pinned playwright-core), as an association would: fills the form with a
// SIRET whose key is wrong and attaches the files, sends it, reads the refused field's
// message next to the field, corrects it, attaches the files again, sends it, and reads
// the confirmation. At each step (the form, the form refused, the confirmation) the
// pinned axe-core checks the page at 1280 and 320 px (reflow: no horizontal scroll) and
// a full-page screenshot is saved. Run by api/filing_browser_test.go, with on stdin:
//   {"screenshotDir": "...", "formURL": "...", "fields": {"name": "value"},
//    "badFields": {"name": "value"}, "files": {"name": "/path"}, "errorID": "..."}
// It prints {"steps": [{name, width, status, ...}], "errorText": "...", "confirmation": "..."}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const input = JSON.parse(readFileSync(0, 'utf8'));
const executablePath = process.env.AAP_CHROMIUM || '/usr/bin/chromium';

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const steps = [];
const out = { steps };

// check runs axe and measures the page at both widths, with a screenshot at each.
async function check(page, name, status) {
  for (const width of [1280, 320]) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(axeSource);
    const axe = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      fontFamily: getComputedStyle(document.body).fontFamily,
      fontsLoaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
    }));
    const screenshot = path.join(input.screenshotDir, `${name}-${width}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    steps.push({
      name, width, status, ...layout, screenshot, cspViolations: page.cspViolations, failedRequests: page.failed,
      violations: axe.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })),
    });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// fillAndSend types the fields, attaches the files and sends the form.
async function fillAndSend(page, fields) {
  for (const [name, value] of Object.entries(fields)) {
    const el = page.locator(`[name="${name}"]`);
    const tag = await el.evaluate((e) => e.tagName + ':' + (e.type || ''));
    if (tag === 'INPUT:checkbox') {
      // The DSFR draws the box on the label, as a person clicks it.
      if ((await el.isChecked()) !== (value === 'true')) await page.click(`label[for="${await el.getAttribute('id')}"]`);
    }
    else if (tag.startsWith('SELECT')) await el.selectOption(value);
    else await el.fill(value);
  }
  for (const [name, file] of Object.entries(input.files)) await page.setInputFiles(`[name="${name}"]`, file);
  const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('main button[type="submit"]')]);
  return r ? r.status() : 0;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  const page = await context.newPage();
  page.cspViolations = [];
  page.failed = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) page.cspViolations.push(m.text()); });
  page.on('response', (r) => { if (r.request().resourceType() !== 'document' && r.status() >= 400) page.failed.push(`${r.status()} ${r.url()}`); });

  const response = await page.goto(input.formURL, { waitUntil: 'load' });
  await check(page, 'depot-formulaire', response.status());

  const refusedStatus = await fillAndSend(page, { ...input.fields, ...input.badFields });
  out.errorText = await page.locator(`#${input.errorID}`).innerText().catch(() => '');
  out.errorFieldInvalid = await page.locator(`[aria-describedby~="${input.errorID}"]`).getAttribute('aria-invalid').catch(() => null);
  await check(page, 'depot-refuse', refusedStatus);

  const filedStatus = await fillAndSend(page, input.fields);
  out.confirmation = await page.locator('main').innerText();
  await check(page, 'depot-confirmation', filedStatus);
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

// Files a dossier through the online form in real Chromium (Debian's /usr/bin/chromium,
// driven by the pinned playwright-core), as an association would: fills the form with a
// SIRET whose key is wrong and attaches the files, sends it, reads the refused field's
// message next to the field, corrects it, attaches the files again, sends it, and reads
// the confirmation. At each step (the form, the form refused, the confirmation) the
// pinned axe-core checks the page at 1280 and 320 px (reflow: no horizontal scroll) and
// a full-page screenshot is saved. Run by api/filing_browser_test.go, with on stdin:
//   {"screenshotDir": "...", "formURL": "...", "fields": {"name": "value"},
//    "badFields": {"name": "value"}, "files": {"name": "/path"}, "errorID": "...", "prefix": "..."}
// (prefix, optional, starts each step's name and screenshot).
// It prints {"steps": [{name, width, status, ...}], "errorText": "...", "confirmation": "..."}.
import { readFileSync } from 'node:fs';
import { launch, measure, watch, widths } from './measure.mjs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const browser = await launch();
const steps = [];
const out = { steps };

// check measures the page at both widths (measure.mjs), then comes back to 1280 px.
async function check(page, seen, name, status) {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    steps.push(await measure(page, seen, { name: (input.prefix || '') + name, width, status, screenshotDir: input.screenshotDir }));
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
  const seen = watch(page);

  const response = await page.goto(input.formURL, { waitUntil: 'load' });
  await check(page, seen, 'depot-formulaire', response.status());

  const refusedStatus = await fillAndSend(page, { ...input.fields, ...input.badFields });
  out.errorText = await page.locator(`#${input.errorID}`).innerText().catch(() => '');
  out.errorFieldInvalid = await page.locator(`[aria-describedby~="${input.errorID}"]`).getAttribute('aria-invalid').catch(() => null);
  await check(page, seen, 'depot-refuse', refusedStatus);

  const filedStatus = await fillAndSend(page, input.fields);
  out.confirmation = await page.locator('main').innerText();
  await check(page, seen, 'depot-confirmation', filedStatus);
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

// Drives an agent's pages in real Chromium (Debian's /usr/bin/chromium, the pinned
// playwright-core) as a signed-in agent would, step by step, and checks each page it is
// asked to with axe-core at 1280 and 320 px (measure.mjs), saving its screenshots. Run by
// internal/engine/agent_browser_test.go, with on stdin:
//   {"screenshotDir": "...", "base": "http://127.0.0.1:port", "cookie": "aap_session=..." (optional), "steps": [
//     {"goto": "url"}, {"fill": {"name": "value"}}, {"dates": {"name": secondsFromNow}},
//     {"choose": {"name": "value"}}, {"click": "css selector"}, {"measure": "name"},
//     {"read": {"key": "css selector"}}]}
// "dates" types a datetime-local field in Paris time, so many seconds from now; "click"
// submits (or follows a link) and waits for the next page. It prints {"steps": [...],
// "reads": {...}, "url": "...", "cookie": "aap_session=..."}: the session it ended with.
import { readFileSync } from 'node:fs';
import { launch, measure, watch, widths } from './measure.mjs';

const input = JSON.parse(readFileSync(0, 'utf8'));
const browser = await launch();
const out = { steps: [], reads: {}, url: '' };

// parisLocal is a datetime-local value in Paris time: "2026-12-06T18:40:05".
function parisLocal(date) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  // The session cookie of an earlier run, as the browser keeps it, so it goes with the redirects after a form too.
  if (input.cookie) {
    const [cookieName, ...rest] = input.cookie.split('=');
    await context.addCookies([{ name: cookieName, value: rest.join('='), url: input.base, httpOnly: true, sameSite: 'Lax' }]);
  }
  const page = await context.newPage();
  const seen = watch(page);
  let status = 0;
  for (const step of input.steps) {
    if (step.goto) status = (await page.goto(step.goto, { waitUntil: 'load' })).status();
    if (step.fill) for (const [name, value] of Object.entries(step.fill)) await page.fill(`[name="${name}"]`, value);
    if (step.dates) {
      for (const [name, secs] of Object.entries(step.dates)) await page.fill(`[name="${name}"]`, parisLocal(new Date(Date.now() + secs * 1000)));
    }
    if (step.choose) {
      // Checkboxes and radios: the DSFR draws them on the label, which a person clicks.
      for (const [name, value] of Object.entries(step.choose)) {
        const id = await page.locator(`[name="${name}"][value="${value}"]`).getAttribute('id');
        if (!(await page.locator(`[id="${id}"]`).isChecked())) await page.click(`label[for="${id}"]`);
      }
    }
    if (step.click) {
      // The server's checks are what is tested: the browser's own (required) are set aside.
      await page.evaluate(() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; }));
      const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(step.click)]);
      status = r ? r.status() : 0;
    }
    if (step.read) for (const [key, sel] of Object.entries(step.read)) out.reads[key] = await page.locator(sel).first().innerText().catch(() => '');
    if (step.measure) {
      for (const width of widths) {
        await page.setViewportSize({ width, height: 900 });
        out.steps.push(await measure(page, seen, { name: step.measure, width, status, screenshotDir: input.screenshotDir }));
      }
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }
  out.url = page.url();
  // The session the run signed in with (or was given), for the next run.
  const session = (await context.cookies(input.base)).find((c) => c.name === 'aap_session');
  if (session) out.cookie = `${session.name}=${session.value}`;
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));

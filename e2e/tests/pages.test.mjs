// Every page a person is shown, at the width they hold it: from the home page, follow every
// link (one page per route, ids aside) and check that it fits the window and that axe-core
// finds no critical or serious violation. A commune's clerk on a phone, the district office at
// a desk and on a phone, an administrator at a desk.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DESKTOP,
  PHONE,
  assertAccessible,
  assertNoSidewaysScroll,
  launchBrowser,
  login,
  newContext,
  startServer,
} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ demoDay: '03/05/2021' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** One page per route: numbers stand for ids, the query is left aside. */
const shape = (path) => path.split('?')[0].replace(/\/\d+/g, '/N');

/** Leaving, switching language, downloads and machine answers are not pages to read. */
const skipped = (path) =>
  /^\/(logout|lang|static|api|healthz|metrics)/.test(path) || path.includes('/files/') || path.endsWith('.xlsx');

async function walk(who, size, limit) {
  const context = await newContext(browser, size);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, who);
    const seen = new Set();
    const queue = ['/'];
    const checked = [];
    while (queue.length && checked.length < limit) {
      const path = queue.shift();
      if (skipped(path) || seen.has(shape(path))) continue;
      seen.add(shape(path));
      const response = await page.goto(`${server.baseUrl}${path}`);
      assert.equal(response.status(), 200, `${who}: ${path}`);
      if (!(response.headers()['content-type'] || '').startsWith('text/html')) continue;
      const label = `${who} at ${size.viewport.width} px: ${path}`;
      await assertNoSidewaysScroll(page, label);
      await assertAccessible(page, label);
      checked.push(path);
      const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')));
      for (const link of links) {
        const clean = link.split('#')[0];
        if (clean && !seen.has(shape(clean))) queue.push(clean);
      }
    }
    return checked;
  } finally {
    await context.close();
  }
}

for (const [who, size, name] of [
  ['anthuy', PHONE, 'phone'],
  ['huyenuy', DESKTOP, 'desktop'],
  ['huyenuy', PHONE, 'phone'],
  ['admin', DESKTOP, 'desktop'],
  ['admin', PHONE, 'phone'],
]) {
  test(`every page ${who} is shown fits a ${name} and passes axe-core`, async (t) => {
    const checked = await walk(who, size, 60);
    t.diagnostic(`${checked.length} pages: ${checked.join(' ')}`);
    assert.ok(checked.length >= 8, `${who}: only ${checked.length} pages reached`);
  });
}

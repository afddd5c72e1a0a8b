// e. Switching the interface between Vietnamese and English.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, login, newContext, screenshot, startServer, submit } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the language link switches the tree page to English and back', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    await page.goto(`${server.baseUrl}/units?as_of=01/06/2021`);
    assert.equal(await page.locator('h1').innerText(), 'Cây tổ chức');

    await submit(page, '#switch-language');
    await screenshot(page, 'language-english');
    assert.equal(await page.locator('h1').innerText(), 'Organisation tree');
    // Back on the same page, with its date.
    assert.equal(new URL(page.url()).pathname, '/units');
    assert.equal(await page.inputValue('#as_of'), '01/06/2021');

    // The choice sticks for the next pages.
    await page.goto(`${server.baseUrl}/units`);
    assert.equal(await page.locator('h1').innerText(), 'Organisation tree');

    await submit(page, '#switch-language');
    await screenshot(page, 'language-vietnamese');
    assert.equal(await page.locator('h1').innerText(), 'Cây tổ chức');
  } finally {
    await context.close();
  }
});

// f. The inspector reads everything, history included, but is offered no change.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, login, newContext, screenshot, startServer, unitHref } from './helpers.mjs';

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

test('kiemtra sees the page of xã Bảo Thạnh with its history and no change form', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'kiemtra');
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goto(`${server.baseUrl}/units`);
    assert.equal(await page.locator('#merge-units').count(), 0, 'no merge button for a reader');

    const href = await unitHref(page, server.baseUrl, 'Đảng bộ xã Bảo Thạnh', '01/06/2021');
    const response = await page.goto(new URL(href, server.baseUrl).href);
    await screenshot(page, 'inspector-bao-thanh');
    assert.equal(response.status(), 200);
    assert.match(await page.locator('#unit-name').innerText(), /Đảng bộ xã Bảo Thạnh/);

    assert.equal(await page.locator('#history').count(), 1, 'the history table is shown');
    assert.ok((await page.locator('#history tbody tr').count()) > 0, 'the history has entries');
    assert.equal(await page.locator('#change-form').count(), 0, 'no change form');
    assert.equal(await page.locator('#dissolve-form').count(), 0, 'no dissolve form');
  } finally {
    await context.close();
  }
});

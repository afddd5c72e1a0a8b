// d. An editor of one xã sees only that xã, and a unit outside it is refused with 403.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser,
  login,
  newContext,
  screenshot,
  startServer,
  treeNames,
  unitHref,
} from './helpers.mjs';

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

test('anthuy sees only xã An Thủy and is refused the page of xã Bảo Thạnh', async () => {
  // The administrator, in a context of its own, finds Bảo Thạnh's page.
  const adminContext = await newContext(browser);
  let baoThanhHref;
  try {
    const adminPage = await adminContext.newPage();
    await login(adminPage, server.baseUrl, 'admin');
    baoThanhHref = await unitHref(adminPage, server.baseUrl, 'Đảng bộ xã Bảo Thạnh', '01/06/2021');
    assert.match(baoThanhHref, /^\/units\/\d+/);
    // It opens fine for the administrator.
    const ok = await adminPage.goto(new URL(baoThanhHref, server.baseUrl).href);
    assert.equal(ok.status(), 200);
    assert.match(await adminPage.locator('#unit-name').innerText(), /Đảng bộ xã Bảo Thạnh/);
  } finally {
    await adminContext.close();
  }

  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'anthuy');
    assert.equal(new URL(page.url()).pathname, '/');

    await page.goto(`${server.baseUrl}/units?as_of=01/06/2021`);
    await screenshot(page, 'scope-anthuy-tree-2021-06-01');
    assert.equal(await page.locator('#tree li').count(), 4, 'An Thủy and its three cells');
    assert.deepEqual(await treeNames(page), [
      'Đảng bộ xã An Thủy',
      'Chi bộ ấp 1',
      'Chi bộ ấp 2',
      'Chi bộ ấp 3',
    ]);
    const codes = await page.locator('#tree li').evaluateAll((lis) => lis.map((li) => li.dataset.code));
    assert.deepEqual(codes, ['X-ANTHUY', 'CB-ANTHUY-1', 'CB-ANTHUY-2', 'CB-ANTHUY-3']);
    assert.equal((await page.locator('#unit-count').innerText()).trim(), '4');

    const response = await page.goto(new URL(baoThanhHref, server.baseUrl).href);
    await screenshot(page, 'scope-anthuy-bao-thanh-403');
    assert.equal(response.status(), 403);
    const message = page.locator('#error-message');
    assert.equal(await message.count(), 1, 'the error page is shown');
    assert.match(await message.innerText(), /không có quyền/);
    assert.equal(await page.locator('#unit-name').count(), 0, 'nothing of the unit is shown');
  } finally {
    await context.close();
  }
});

// b. The dated tree: what exists on a given day, the search without diacritics, a unit's page.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
  launchBrowser,
  login,
  newContext,
  screenshot,
  showTreeAsOf,
  startServer,
  submit,
  treeNames,
} from './helpers.mjs';

let server;
let browser;
let page;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const context = await newContext(browser);
  page = await context.newPage();
  await login(page, server.baseUrl, 'admin');
  assert.equal(new URL(page.url()).pathname, '/');
  // The tests below start on the tree, which the work of the day links to.
  await page.goto(`${server.baseUrl}/units`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** `#unit-count` as a number, checked against the rows of the tree. */
async function unitCount() {
  const text = (await page.locator('#unit-count').innerText()).trim();
  assert.match(text, /^\d+$/, `#unit-count shows a number, got "${text}"`);
  const n = Number(text);
  assert.equal(await page.locator('#tree li').count(), n, '#unit-count matches the rows of #tree');
  return n;
}

test('on 12/02/2023 the tree still has xã An Thủy under Huyện ủy Ba Tri', async () => {
  await showTreeAsOf(page, '12/02/2023');
  await screenshot(page, 'tree-2023-02-12');
  assert.equal(await page.inputValue('#as_of'), '12/02/2023');
  const names = await treeNames(page);
  assert.ok(names.includes('Đảng bộ xã An Thủy'), 'An Thủy is listed');
  assert.ok(names.includes('Huyện ủy Ba Tri'), 'Huyện ủy Ba Tri is listed');
  assert.ok(!names.includes('Đảng bộ thị trấn Tiệm Tôm'), 'Tiệm Tôm does not exist yet');
  assert.ok((await unitCount()) > 0);
});

test('on 13/02/2023 xã An Thủy has become thị trấn Tiệm Tôm', async () => {
  await showTreeAsOf(page, '13/02/2023');
  await screenshot(page, 'tree-2023-02-13');
  const names = await treeNames(page);
  assert.ok(names.includes('Đảng bộ thị trấn Tiệm Tôm'), 'Tiệm Tôm is listed');
  assert.ok(!names.includes('Đảng bộ xã An Thủy'), 'An Thủy is no longer listed');
  assert.ok(!(await page.locator('#tree').innerText()).includes('Đảng bộ xã An Thủy'));
  assert.ok(names.includes('Huyện ủy Ba Tri'));
  assert.ok((await unitCount()) > 0);
});

test('on 01/07/2025 the district is gone and the new province holds illustrative successors', async () => {
  await showTreeAsOf(page, '01/07/2025');
  await screenshot(page, 'tree-2025-07-01');
  const names = await treeNames(page);
  const treeText = await page.locator('#tree').innerText();
  assert.ok(!names.includes('Huyện ủy Ba Tri'), 'Huyện ủy Ba Tri is no longer listed');
  assert.ok(!treeText.includes('Huyện ủy Ba Tri'));
  assert.ok(names.includes('Tỉnh ủy Vĩnh Long (tỉnh mới)'), 'the new province is listed');
  const illustrative = names.filter((n) => n.includes('minh họa'));
  assert.ok(illustrative.length > 0, 'successors marked "minh họa" are listed');
  assert.ok(illustrative.includes('Đảng bộ xã Tân Thủy (mới, minh họa)'), 'Tiệm Tôm\'s successor is listed');
  assert.ok((await unitCount()) > 0);
});

test('the search finds "Tiệm Tôm" typed without diacritics, in the tree of the chosen date', async () => {
  await page.fill('#as_of', '01/07/2025');
  await page.fill('#q', 'tiem tom');
  await submit(page, '#show-tree');
  assert.deepEqual(await treeNames(page), [], 'Tiệm Tôm no longer exists on 01/07/2025');
  await page.fill('#as_of', '01/01/2024');
  await page.fill('#q', 'tiem tom');
  await submit(page, '#show-tree');
  await screenshot(page, 'tree-search-tiem-tom');
  assert.equal(await page.inputValue('#q'), 'tiem tom');
  const names = await treeNames(page);
  assert.ok(names.includes('Đảng bộ thị trấn Tiệm Tôm'), `found: ${JSON.stringify(names)}`);
  assert.ok((await unitCount()) >= 1);
});

test('clicking Tiệm Tôm opens its page, whose events show resolution 724/NQ-UBTVQH15', async () => {
  await showTreeAsOf(page, '01/01/2024');
  const link = page.locator('#tree li > a').filter({ hasText: /^Đảng bộ thị trấn Tiệm Tôm$/ });
  assert.equal(await link.count(), 1);
  const response = await submit(page, '#tree li > a:text-is("Đảng bộ thị trấn Tiệm Tôm")');
  await screenshot(page, 'unit-tiem-tom');
  await assertAccessible(page, 'a unit\'s page');
  assert.equal(response.status(), 200);
  assert.match(new URL(page.url()).pathname, /^\/units\/\d+$/);
  assert.match(await page.locator('#unit-name').innerText(), /Đảng bộ thị trấn Tiệm Tôm/);
  const events = page.locator('#events');
  assert.equal(await events.count(), 1);
  const eventsText = await events.innerText();
  assert.ok(eventsText.includes('724/NQ-UBTVQH15'), `events: ${eventsText}`);
  // The upgrade of 13/02/2023 is the row that cites it.
  const row = page.locator('#events tbody tr').filter({ hasText: '724/NQ-UBTVQH15' });
  assert.match(await row.first().innerText(), /13\/02\/2023/);
});

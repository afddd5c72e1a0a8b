// c. Merging units through the merge page, as the administrator; and a merge the app refuses.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser,
  login,
  newContext,
  screenshot,
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
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const NEW_NAME = 'Đảng bộ xã Tân Xuân - Bảo Thạnh (thử nghiệm)';

/** Fills the merge page for two units → a new unit, and submits it. */
async function mergeIntoNew({ asOf, sources, code, parentCode, validTo = '' }) {
  await page.goto(`${server.baseUrl}/units/merge?as_of=${asOf}`);
  await page.fill('#merge-effective-on', asOf);
  await page.fill('#merge-new-code', code);
  await page.fill('#merge-new-name', NEW_NAME);
  await page.selectOption('#merge-new-kind', 'dang_uy_xa');
  await page.selectOption('#merge-new-parent', parentCode);
  await page.fill('#merge-new-valid-to', validTo);
  await page.fill('#merge-basis', '01/NQ-TEST');
  for (const source of sources) await page.check(`input[name=sources][data-code="${source}"]`);
  return submit(page, '#merge-submit');
}

/** What the page says went wrong, when it is the error page. */
async function errorText() {
  const el = page.locator('#error-message');
  return (await el.count()) ? (await el.innerText()).replace(/\s+/g, ' ') : '';
}

test('admin merges two communes into a new one, which takes over their party cells', async () => {
  const response = await mergeIntoNew({
    asOf: '01/01/2026',
    sources: ['X-TANXUAN-2025', 'X-BAOTHANH-2025'],
    code: 'X-TX-BT-2026',
    parentCode: 'VL',
  });
  await screenshot(page, 'merge-2026');
  assert.equal(response.status(), 200, `landed on ${page.url()}: ${await errorText()}`);
  assert.match(new URL(page.url()).pathname, /^\/units\/\d+$/);
  assert.match(await page.locator('#unit-name').innerText(), /Tân Xuân - Bảo Thạnh/);

  const predecessors = await page.locator('#successions tbody tr td:nth-child(2)').allInnerTexts();
  assert.deepEqual(
    [...predecessors].sort(),
    ['Đảng bộ xã Bảo Thạnh (mới, minh họa)', 'Đảng bộ xã Tân Xuân (mới, minh họa)'],
    '#successions lists both merged units',
  );
  for (const successor of await page.locator('#successions tbody tr td:nth-child(3)').allInnerTexts()) {
    assert.equal(successor, NEW_NAME);
  }
  assert.ok((await page.locator('#successions').innerText()).includes('01/01/2026'));
  const children = await page.locator('#children li > a').allInnerTexts();
  assert.equal(children.length, 18, `the cells of six former communes moved: ${JSON.stringify(children)}`);
  for (const child of children) assert.match(child, /^Chi bộ ấp [123]$/);

  await page.goto(`${server.baseUrl}/units?as_of=31/12/2025`);
  let names = await treeNames(page);
  assert.ok(names.includes('Đảng bộ xã Tân Xuân (mới, minh họa)'), 'Tân Xuân still exists on 31/12/2025');
  assert.ok(!names.includes(NEW_NAME), 'the new unit does not exist yet on 31/12/2025');

  await page.goto(`${server.baseUrl}/units?as_of=01/01/2026`);
  await screenshot(page, 'merge-2026-tree');
  names = await treeNames(page);
  assert.ok(!names.includes('Đảng bộ xã Tân Xuân (mới, minh họa)'), 'Tân Xuân is gone on 01/01/2026');
  assert.ok(!names.includes('Đảng bộ xã Bảo Thạnh (mới, minh họa)'), 'Bảo Thạnh is gone on 01/01/2026');
  assert.ok(names.includes(NEW_NAME), 'the new unit is listed on 01/01/2026');
});

test("a merge before a unit's recorded 2025 merger is refused, naming the date", async () => {
  const response = await mergeIntoNew({
    asOf: '01/01/2024',
    sources: ['X-MYNHON', 'X-MYTHANH'],
    code: 'X-MYNHONTHANH',
    parentCode: 'BTR',
    validTo: '30/06/2025',
  });
  await screenshot(page, 'merge-refused-later-change');
  assert.equal(response.status(), 422);
  assert.match(await errorText(), /thay đổi sau ngày này/);
  assert.match(await errorText(), /Ngày có hiệu lực/);
  await page.goto(`${server.baseUrl}/units?as_of=01/01/2024`);
  assert.ok((await treeNames(page)).includes('Đảng bộ xã Mỹ Nhơn'), 'nothing was written');
});

test('a merge into a target that does not exist on that date is refused with 422', async () => {
  await page.goto(`${server.baseUrl}/units/merge?as_of=01/01/2024`);
  await page.fill('#merge-effective-on', '01/01/2024');
  // The target is chosen by name among the units of the page's date: VL (formed in 2025) is
  // not offered on 01/01/2024. A page kept open from another date could still send it.
  const offered = await page.locator('#merge-target option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.includes('BTR') && !offered.includes('VL'), `offered: ${offered.join(' ')}`);
  await page.locator('#merge-target').evaluate((select) => select.add(new Option('Vĩnh Long', 'VL', true, true)));
  await page.check('input[name=sources][data-code="X-TANHUNG"]');
  const response = await submit(page, '#merge-submit');
  await screenshot(page, 'merge-refused-vl');
  assert.equal(response.status(), 422);
  const message = page.locator('#error-message');
  assert.equal(await message.count(), 1, 'the error page is shown');
  assert.match(await message.innerText(), /không tồn tại/);

  // Nothing was written: Tân Hưng is still there on the merge date.
  await page.goto(`${server.baseUrl}/units?as_of=01/01/2024`);
  assert.ok((await treeNames(page)).includes('Đảng bộ xã Tân Hưng'));
});

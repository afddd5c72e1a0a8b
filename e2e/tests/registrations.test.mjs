// Registrations of work items (C9) as their users hold them, on 03/05/2021. The secretary of
// An Thủy's first cell, on a phone, registers two items of 2021 tied to the district's work
// items by name: a wrong date comes back with everything typed, the corrected form is sent.
// The commune's office, at a desk, sees who has registered ("n/m đồng chí đã đăng ký") and
// approves; the secretary assesses an item at year end and the office remarks on it.

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
  screenshot,
  startServer,
  submit,
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

test('a cell secretary registers on a phone, the commune approves, the year ends with an assessment and a remark', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  try {
    const secretary = await phone.newPage();
    await login(secretary, server.baseUrl, 'bithu');
    await submit(secretary, '#nav-registrations');
    assert.match(await secretary.locator('h1').innerText(), /2021/);
    await assertNoSidewaysScroll(secretary, 'the registrations hub');
    await assertAccessible(secretary, 'the registrations hub');
    assert.match(await secretary.locator('#plan option:checked').innerText(), /02-NQ\/HU/);
    await submit(secretary, '#open-mine-0 button');
    assert.match(new URL(secretary.url()).pathname, /^\/registrations\/\d+$/);
    const registration = secretary.url();

    // Two items, tied to the district's work items chosen by name; the second's date is wrong.
    const workItems = await secretary.locator('#work-item-0 option').allInnerTexts();
    const dv07 = workItems.find((t) => t.startsWith('DV07'));
    assert.ok(dv07, `the plan's work items are offered by name: ${workItems.slice(0, 3)}`);
    await secretary.fill('#content-0', 'Vận động 20 hộ trong ấp trữ nước ngọt mùa khô');
    await secretary.selectOption('#work-item-0', { label: dv07 });
    await secretary.fill('#product-0', 'Danh sách hộ đã trữ nước');
    await secretary.fill('#measure-0', '20 hộ');
    await secretary.fill('#deadline-0', '30/06/2021');
    await secretary.fill('#content-1', 'Kết nạp 1 đảng viên mới');
    await secretary.fill('#product-1', 'Hồ sơ kết nạp');
    await secretary.fill('#deadline-1', '31/02/2021');
    const refused = await submit(secretary, '#items-send');
    assert.equal(refused.status(), 422);
    assert.match(await secretary.locator('#items-error').innerText(), /Thời hạn/);
    assert.equal(await secretary.inputValue('#content-1'), 'Kết nạp 1 đảng viên mới');
    assert.equal(await secretary.inputValue('#measure-0'), '20 hộ');
    assert.equal(await secretary.locator('#work-item-0 option:checked').innerText(), dv07);
    await assertNoSidewaysScroll(secretary, 'the refused registration');
    await assertAccessible(secretary, 'the refused registration');
    await screenshot(secretary, 'registration-refused-phone');
    await secretary.fill('#deadline-1', '30/11/2021');
    await submit(secretary, '#items-send');
    assert.equal(await secretary.locator('#registration-state').innerText(), 'Chờ duyệt');
    assert.equal(await secretary.locator('#item-count').innerText(), '2');
    assert.equal(await secretary.locator('#items-form').count(), 0, 'sent: no longer editable');
    assert.equal(await secretary.locator('#approve').count(), 0, 'nobody approves their own');

    // The commune's office sees who has registered and approves.
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'anthuy');
    await office.goto(`${server.baseUrl}/registrations?year=2021`);
    const count = await office.locator('#registered-count').innerText();
    const [done, total] = count.match(/(\d+)\/(\d+)/).slice(1).map(Number);
    assert.ok(done >= 1 && total > done, `some, not all, have registered: ${count}`);
    await assertAccessible(office, 'the commune\'s list');
    await screenshot(office, 'registrations-commune-desk');
    await office.goto(registration);
    await submit(office, '#approve');
    assert.equal(await office.locator('#registration-state').innerText(), 'Đã duyệt');

    // Year end: the secretary assesses the first item; the office remarks on it.
    await secretary.goto(registration);
    const first = secretary.locator('#registration-items > li').first();
    await first.locator('details.assess summary').click();
    await first.locator('.assess-form select[name=phase]').selectOption('year_end');
    await first.locator('select[name=outcome]').selectOption('done');
    await first.locator('input[name=note]').fill('Đã vận động 22 hộ');
    await Promise.all([secretary.waitForNavigation(), first.locator('.assess-save').click()]);
    assert.match(await secretary.locator('#registration-items > li').first().innerText(), /Hoàn thành \(100%\)/);
    // The evidence of it, a scanned list, from the phone.
    const item = secretary.locator('#registration-items > li').first();
    await item.locator('details.attach summary').click();
    await item.locator('.evidence-form input[name=file]').setInputFiles({
      name: 'danh-sach-ho.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4 danh sach\n%%EOF\n'),
    });
    await Promise.all([secretary.waitForNavigation(), item.locator('.evidence-save').click()]);
    assert.match(
      await secretary.locator('#registration-items > li').first().locator('.evidence').innerText(),
      /danh-sach-ho\.pdf/,
    );
    await assertNoSidewaysScroll(secretary, 'the approved registration');
    await assertAccessible(secretary, 'the approved registration');
    await screenshot(secretary, 'registration-assessed-phone');

    await office.goto(registration);
    const assessed = office.locator('#registration-items > li').first();
    await assessed.locator('.remark-text').fill('Hoàn thành tốt, vượt chỉ tiêu');
    await Promise.all([office.waitForNavigation(), assessed.locator('.remark-save').click()]);
    assert.match(await office.locator('#registration-items > li').first().innerText(), /vượt chỉ tiêu/);
    await screenshot(office, 'registration-remarked-desk');
  } finally {
    await desk.close();
    await phone.close();
  }
});

test('the district reads who must register by unit, filters who has not, and sets who must', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  try {
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    await office.goto(`${server.baseUrl}/registrations?year=2021&unit=BTR`);
    assert.match(await office.locator('#rule-words').innerText(), /Bí thư chi bộ/);
    const headline = await office.locator('#registered-count').innerText();
    const [done, total] = headline.match(/(\d+)\/(\d+)/).slice(1).map(Number);
    assert.ok(done > 0 && total > done, `the district's heads and secretaries: ${headline}`);
    // The lines per unit add up to the headline.
    const counts = await office.locator('#unit-lines tbody td:nth-child(2)').allInnerTexts();
    const summed = counts
      .map((c) => c.split('/').map(Number))
      .reduce(([a, b], [x, y]) => [a + x, b + y], [0, 0]);
    assert.deepEqual(summed, [done, total], `lines ${counts.join(' ')} against ${headline}`);
    await assertAccessible(office, 'the district\'s list');
    await screenshot(office, 'registrations-district-desk');

    // Who has not registered: none of them is shown as registered.
    await submit(office, '#only-missing');
    const rows = office.locator('#registrations-list tbody tr');
    assert.equal(await rows.count(), total - done);
    assert.equal(await office.locator('#registrations-list tr[data-registered=true]').count(), 0);

    // Only the cells' secretaries from now on: the headline follows the rule.
    await office.goto(`${server.baseUrl}/registrations?year=2021&unit=BTR`);
    await office.locator('#rule-edit summary').click();
    for (const box of await office.locator('#rule-form input[name=category]').all()) {
      const value = await box.getAttribute('value');
      await box.setChecked(value === 'cell_secretary');
    }
    await submit(office, '#rule-save');
    assert.equal(await office.locator('#rule-words').innerText(), 'Bí thư chi bộ');
    const after = await office.locator('#registered-count').innerText();
    assert.notEqual(after, headline);

    // A commune's line leads to its own list, readable on a phone.
    const commune = await phone.newPage();
    await login(commune, server.baseUrl, 'anthuy');
    await commune.goto(`${server.baseUrl}/registrations?year=2021&unit=X-ANTHUY`);
    assert.match(await commune.locator('#registered-count').innerText(), /\/3 /);
    await assertNoSidewaysScroll(commune, 'the commune\'s list');
    await assertAccessible(commune, 'the commune\'s list');
    await screenshot(commune, 'registrations-commune-phone');
  } finally {
    await desk.close();
    await phone.close();
  }
});

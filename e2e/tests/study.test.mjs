// Study sessions (C10) as their users hold them, on 03/05/2021. An Thủy's clerk, on a phone,
// opens the study of Nghị quyết 02-NQ/HU from the plan, goes down to a party cell and records
// its session: a wrong count comes back in the form with the reason and everything typed, the
// corrected one is saved. The district office, at a desk, reads the attendance of the whole
// district as offices write it ("x/y đảng viên, đạt z%") and An Thủy's line with the cell in it.

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

/** "2.909/3.044 đảng viên, đạt 95,56%" → [2909, 3044]. */
function counts(sentence) {
  const m = sentence.match(/([\d.]+)\/([\d.]+) đảng viên, đạt ([\d,]+)%/);
  assert.ok(m, `a sentence offices write: ${sentence}`);
  return [Number(m[1].replaceAll('.', '')), Number(m[2].replaceAll('.', ''))];
}

async function membersLine(page) {
  const lines = await page.locator('#study-total .headline').allInnerTexts();
  return lines.find((l) => l.includes('đảng viên'));
}

test('a cell\'s session is recorded on a phone and the district reads "x/y đảng viên, đạt z%"', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  try {
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    await office.goto(`${server.baseUrl}/documents`);
    await office.fill('#doc-number', '02-NQ/HU');
    await submit(office, '#documents-show');
    const plan = (await office.locator('#documents tbody tr a').first().getAttribute('href'))
      .split('/')
      .pop();
    await office.goto(`${server.baseUrl}/documents/${plan}/study`);
    const [present0, required0] = counts(await membersLine(office));

    // The commune's clerk, from the plan page, by links only.
    const clerk = await phone.newPage();
    await login(clerk, server.baseUrl, 'anthuy');
    await clerk.goto(`${server.baseUrl}/documents/${plan}`);
    await submit(clerk, '#study-link');
    assert.match(await clerk.locator('h1').innerText(), /An Thủy/);
    await assertNoSidewaysScroll(clerk, 'the commune\'s study page');
    await assertAccessible(clerk, 'the commune\'s study page');
    await screenshot(clerk, 'study-commune-phone');
    const cell = clerk.locator('#study-units tbody tr a').filter({ hasText: 'Chi bộ' }).first();
    const cellName = await cell.innerText();
    await Promise.all([clerk.waitForNavigation(), cell.click()]);
    assert.match(await clerk.locator('h1').innerText(), new RegExp(cellName));
    assert.equal(await clerk.locator('#study-no-session').count(), 1);

    // More present than required: refused, everything typed kept, the reason shown.
    await clerk.fill('#study-held-on', '20/03/2021');
    await clerk.fill('#study-place', 'Nhà văn hóa ấp');
    await clerk.fill('#required-party_members', '21');
    await clerk.fill('#present-party_members', '25');
    await clerk.fill('#excused-party_members', '1');
    await clerk.fill('#study-note', 'Xem video hội nghị');
    const refused = await submit(clerk, '#study-save');
    assert.equal(refused.status(), 422);
    assert.match(await clerk.locator('#study-error').innerText(), /vượt số phải dự|Có mặt/);
    assert.equal(await clerk.inputValue('#study-place'), 'Nhà văn hóa ấp');
    assert.equal(await clerk.inputValue('#study-held-on'), '20/03/2021');
    assert.equal(await clerk.inputValue('#required-party_members'), '21');
    assert.equal(await clerk.inputValue('#study-note'), 'Xem video hội nghị');
    await assertNoSidewaysScroll(clerk, 'the refused session');
    await assertAccessible(clerk, 'the refused session');
    await screenshot(clerk, 'study-cell-refused-phone');

    await clerk.fill('#present-party_members', '19');
    await submit(clerk, '#study-save');
    assert.equal(await clerk.locator('#study-error').count(), 0);
    assert.equal(await clerk.locator('[data-session]').count(), 1);
    assert.match(await clerk.locator('#study-total').innerText(), /19\/21 đảng viên, đạt 90,47%/);
    await screenshot(clerk, 'study-cell-phone');

    // The district reads the whole tree: 19 more of 21 more members.
    await office.reload();
    const [present1, required1] = counts(await membersLine(office));
    assert.deepEqual([present1 - present0, required1 - required0], [19, 21]);
    const anThuy = office.locator('#study-units tbody tr').filter({ hasText: 'An Thủy' });
    assert.match(await anThuy.innerText(), /đảng viên, đạt/);
    await assertAccessible(office, 'the district\'s study page');
    await screenshot(office, 'study-district-desk');

    // XD03 is computed from the same attendance: the cell's 19/21 is among its inputs, and
    // nobody has a form to type it.
    await office.goto(`${server.baseUrl}/documents/${plan}?period=2021&unit=BTR`);
    const xd03 = office.locator('tr[data-code="XD03"] a').first();
    await Promise.all([office.waitForNavigation(), xd03.click()]);
    assert.match(await office.locator('#computed-from').innerText(), /học tập, quán triệt 02-NQ\/HU/);
    await Promise.all([
      office.waitForNavigation(),
      office.locator('#inputs tr[data-code="X-ANTHUY"] a').click(),
    ]);
    assert.match(await office.locator('#inputs').innerText(), /19 \/ 21/);
    assert.equal(await office.locator('#actual-form').count(), 0);
    await assertAccessible(office, 'the computed target');
    await screenshot(office, 'study-target-computed-desk');
  } finally {
    await desk.close();
    await phone.close();
  }
});

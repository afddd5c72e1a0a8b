// Commitments (C9) as a cell holds them, on 03/05/2021. The secretary of An Thủy's first cell,
// on a phone, opens the cell's list of the year ("7/9 đồng chí đã ký cam kết"), collects the
// commitment of the member who has not signed: a section left empty comes back with the rest
// kept; sent and approved, the cell's rate moves. The district office reads the commune's lines.

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

test('a cell collects a member\'s commitment on a phone and its rate moves', async () => {
  const phone = await newContext(browser, PHONE);
  const desk = await newContext(browser, DESKTOP);
  try {
    const secretary = await phone.newPage();
    await login(secretary, server.baseUrl, 'bithu');
    await submit(secretary, '#nav-registrations');
    await submit(secretary, '#commitments-link');
    assert.match(await secretary.locator('#commitment-rate').innerText(), /7\/9 đồng chí đã ký cam kết, đạt 77,77%/);
    await assertNoSidewaysScroll(secretary, 'the cell\'s commitments');
    await assertAccessible(secretary, 'the cell\'s commitments');
    await screenshot(secretary, 'commitments-cell-phone');
    const waiting = secretary.locator('#commitment-people tr[data-signed=false]').filter({ hasText: 'Đảng viên' });
    assert.equal(await waiting.count(), 1, 'one member has not signed');
    await Promise.all([secretary.waitForNavigation(), waiting.locator('button.collect').click()]);

    const texts = {
      political_ideology: 'Kiên định lập trường, chấp hành nghiêm chủ trương của Đảng',
      ethics_lifestyle: 'Sống giản dị, gần dân',
      discipline: 'Sinh hoạt chi bộ đầy đủ',
      duties: 'Hoàn thành nhiệm vụ tổ trưởng tổ nhân dân tự quản',
    };
    for (const [code, text] of Object.entries(texts)) await secretary.fill(`#section-${code}`, text);
    const refused = await submit(secretary, '#sections-send');
    assert.equal(refused.status(), 422);
    assert.match(await secretary.locator('#sections-error').innerText(), /Việc làm theo Bác/);
    for (const [code, text] of Object.entries(texts)) {
      assert.equal(await secretary.inputValue(`#section-${code}`), text, `${code} kept`);
    }
    await assertNoSidewaysScroll(secretary, 'the refused commitment');
    await assertAccessible(secretary, 'the refused commitment');
    await screenshot(secretary, 'commitment-refused-phone');
    await secretary.fill('#section-following_uncle_ho', 'Vận động 5 hộ giữ vệ sinh đường làng');
    await submit(secretary, '#sections-send');
    assert.equal(await secretary.locator('#commitment-state').innerText(), 'Chờ duyệt');
    await submit(secretary, '#approve');
    assert.equal(await secretary.locator('#commitment-state').innerText(), 'Đã duyệt');
    await assertAccessible(secretary, 'the approved commitment');
    await secretary.goBack();
    await secretary.goto(`${server.baseUrl}/commitments?year=2021`);
    assert.match(await secretary.locator('#commitment-rate').innerText(), /8\/9 đồng chí đã ký cam kết/);

    // The district reads An Thủy's lines, one per cell.
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    await office.goto(`${server.baseUrl}/commitments?year=2021&unit=X-ANTHUY`);
    const cell = office.locator('#commitment-units tr').filter({ hasText: 'Chi bộ ấp 1' });
    assert.match(await cell.innerText(), /8\/9 đồng chí đã ký cam kết/);
    await assertAccessible(office, 'the commune\'s commitments');
    await screenshot(office, 'commitments-commune-desk');
  } finally {
    await desk.close();
    await phone.close();
  }
});

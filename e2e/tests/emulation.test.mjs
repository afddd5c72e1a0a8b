// Emulation goals (C9) on 03/05/2021: the district office opens its plan for "Đồng khởi mới"
// (15-KH/HU) and reads its goals; those of 2021 have results but the year has not ended, so
// no verdict is shown; it registers a goal by name of phase, on a phone.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
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

test('goals of a phase not ended carry no verdict; a goal is registered on a phone', async () => {
  const phone = await newContext(browser, PHONE);
  try {
    const office = await phone.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    await office.goto(`${server.baseUrl}/documents`);
    await office.fill('#doc-number', '15-KH/HU');
    await submit(office, '#documents-show');
    await submit(office, '#documents tbody tr a');
    await submit(office, '#emulation-link');
    assert.match(await office.locator('h1').innerText(), /Ba Tri/);
    const verdicts = await office.locator('[data-verdict]').evaluateAll((els) => els.map((e) => e.dataset.verdict));
    assert.ok(verdicts.length >= 3, `the demo's goals: ${verdicts}`);
    assert.deepEqual([...new Set(verdicts)], ['in_progress'], 'on 03/05/2021 no phase has ended');
    await assertNoSidewaysScroll(office, 'the goals');
    await assertAccessible(office, 'the goals');

    await office.selectOption('#goal-phase', { label: 'Năm 2021' });
    await office.fill('#goal-title', 'Xây dựng 5 tuyến đường hoa');
    await office.fill('#goal-value', '5');
    await office.fill('#goal-measure', 'tuyến');
    await submit(office, '#goal-save');
    const added = office.locator('li[data-goal]').filter({ hasText: 'Xây dựng 5 tuyến đường hoa' });
    assert.match(await added.innerText(), /Mục tiêu 5 tuyến/);
    assert.equal(await added.getAttribute('data-verdict'), 'in_progress');
    await screenshot(office, 'emulation-district-phone');
  } finally {
    await phone.close();
  }
});

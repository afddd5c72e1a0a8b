// Year-end rating (C12) as its users do it, on 15/12/2022 (rated under QĐ 132 with HD 21).
// The secretary of An Thủy's first cell, on a phone, assesses themself and, as the cell,
// appraises it: the level comes with its reasons. The commune's office, at a desk, decides the
// group (the tally as offices write it), notifies and publishes; the secretary is told.

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
  server = await startServer({ demoDay: '15/12/2022' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a cell secretary assesses and appraises on a phone, the commune decides, notifies and publishes', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  const clerkPhone = await newContext(browser, PHONE);
  try {
    const secretary = await phone.newPage();
    await login(secretary, server.baseUrl, 'bithu');
    await submit(secretary, '#nav-ratings');
    assert.match(await secretary.locator('h1').innerText(), /2022/);
    await assertNoSidewaysScroll(secretary, 'the ratings page');
    await assertAccessible(secretary, 'the ratings page');
    await screenshot(secretary, 'ratings-cell-phone');
    await secretary.selectOption('#self-level', 'good');
    await secretary.fill('#self-note', 'Hoàn thành các đầu việc đã đăng ký, chủ trì sinh hoạt chi bộ đều đặn');
    await submit(secretary, '#self-assess');
    assert.match(new URL(secretary.url()).pathname, /^\/ratings\/\d+$/);
    const rating = secretary.url();
    assert.match(await secretary.locator('#rating-rule-set').innerText(), /132-QĐ\/TW/);
    assert.equal(await secretary.locator('#rating-state').innerText(), 'Đã tự đánh giá');
    await assertNoSidewaysScroll(secretary, 'the rating with its appraisal form');
    await assertAccessible(secretary, 'the rating with its appraisal form');

    // The cell appraises: task results at Trung bình leave only HTNV, and the page says why.
    await secretary.selectOption('#appraisal-grade_tasks', 'average');
    await submit(secretary, '#appraise');
    assert.equal(await secretary.locator('#rating-state').innerText(), 'Đã thẩm định');
    assert.equal(await secretary.inputValue('#appraisal-grade_tasks'), 'average', 'the form keeps what was appraised');
    assert.match(await secretary.locator('#rating-proposed').innerText(), /Hoàn thành nhiệm vụ \(HTNV\)/);
    const steps = await secretary.locator('#rating-steps li').allInnerTexts();
    assert.ok(
      steps.some((s) => /kết quả thực hiện nhiệm vụ đạt Tốt trở lên/.test(s) && /✗/.test(s)),
      steps.join('\n'),
    );
    await assertNoSidewaysScroll(secretary, 'the explained rating');
    await assertAccessible(secretary, 'the explained rating');
    await screenshot(secretary, 'rating-explained-phone');

    // The commune decides the group, tells each person and publishes.
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'anthuy');
    await office.goto(`${server.baseUrl}/ratings?unit=X-ANTHUY&year=2022`);
    assert.equal(await office.locator('#tally-member').count(), 0, 'nothing decided yet');
    await submit(office, '#decide-member');
    assert.equal(
      await office.locator('#tally-member').innerText(),
      'không có HTXSNV; không có HTTNV; 1 HTNV; không có KHTNV',
    );
    await submit(office, '#notify-member');
    await submit(office, '#publish-member');
    await assertAccessible(office, 'the commune\'s decided group');
    await screenshot(office, 'ratings-commune-desk');
    // The same group on the commune clerk's phone: the buttons wrap, nothing scrolls sideways.
    const clerk = await clerkPhone.newPage();
    await login(clerk, server.baseUrl, 'anthuy');
    await clerk.goto(`${server.baseUrl}/ratings?unit=X-ANTHUY&year=2022`);
    assert.equal(await clerk.locator('#refresh-member').count(), 1);
    await assertNoSidewaysScroll(clerk, 'the commune\'s group on a phone');
    await screenshot(clerk, 'ratings-commune-phone');

    await secretary.goto(rating);
    assert.equal(await secretary.locator('#rating-state').innerText(), 'Đã công khai');
    assert.match(await secretary.locator('#rating-level').innerText(), /HTNV/);
    assert.equal(await secretary.locator('#appraisal-form').count(), 0, 'decided: no longer appraised');
    await submit(secretary, '#nav-notifications');
    assert.match(await secretary.locator('main').innerText(), /Kết quả xếp loại chất lượng năm 2022/);
  } finally {
    await desk.close();
    await phone.close();
    await clerkPhone.close();
  }
});

test('the administrator sets the quota of a rule set on a phone; a refused share keeps what was typed', async () => {
  const phone = await newContext(browser, PHONE);
  try {
    const admin = await phone.newPage();
    await login(admin, server.baseUrl, 'admin');
    await submit(admin, '#nav-ratings');
    await submit(admin, '#quota-link');
    assert.equal(await admin.inputValue('#quota-percent-qd132'), '20');
    assert.equal(await admin.locator('#quota-default-qd132').count(), 1);
    await admin.fill('#quota-percent-qd132', '25,5');
    await admin.selectOption('#quota-base-qd132', 'finally_good');
    await submit(admin, '#quota-save-qd132');
    assert.equal(await admin.locator('#quota-saved').count(), 1);
    assert.equal(await admin.inputValue('#quota-percent-qd132'), '25,5');
    assert.equal(await admin.inputValue('#quota-base-qd132'), 'finally_good');
    assert.equal(await admin.locator('#quota-default-qd132').count(), 0);

    await admin.fill('#quota-percent-qd366', 'hai mươi');
    await admin.selectOption('#quota-scope-qd366', 'organisation');
    const refused = await submit(admin, '#quota-save-qd366');
    assert.equal(refused.status(), 422);
    assert.match(await admin.locator('#quota-error-qd366').innerText(), /Tỷ lệ tối đa/);
    assert.equal(await admin.inputValue('#quota-percent-qd366'), 'hai mươi', 'what was typed is kept');
    assert.equal(await admin.inputValue('#quota-scope-qd366'), 'organisation');
    await assertNoSidewaysScroll(admin, 'the quota page');
    await assertAccessible(admin, 'the quota page');
    await screenshot(admin, 'rating-quota-phone');
  } finally {
    await phone.close();
  }
});

// The home page, "Việc cần làm", as its users hold it. The demo is played on 03/05/2021, after
// the district has set the plan's monthly calendar: An Thủy's clerk, on a phone, lands on the
// four reports the commune owes (three late, April due in three days) and opens April's with
// one button, typing no code and no period; the district office, on a desktop, lands on which
// communes have sent April's report and which have not.

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

test('a commune lands on what it owes, on a phone; its district on what has arrived', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  try {
    // The district office sets the calendar of its plan (communes two working days early).
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    assert.equal(new URL(office.url()).pathname, '/');
    assert.equal(await office.locator('#todo-empty').count(), 1, 'nothing before a calendar');
    await office.goto(`${server.baseUrl}/documents`);
    await office.fill('#doc-number', '02-NQ/HU');
    await submit(office, '#documents-show');
    const plan = (await office.locator('#documents tbody tr a').first().getAttribute('href'))
      .split('/')
      .pop();
    await office.goto(`${server.baseUrl}/documents/${plan}/calendars`);
    await office.selectOption('#calendar-cadence', 'monthly');
    await office.fill('#calendar-first', '2021');
    await office.fill('#calendar-days-after', '5');
    await office.fill('#calendar-lead', '2');
    await submit(office, '#calendar-save');

    // The commune's clerk, on a phone, lands on the reports owed.
    const page = await phone.newPage();
    await login(page, server.baseUrl, 'anthuy');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('h1').innerText(), 'Việc cần làm');
    assert.equal(await page.locator('#due-count').innerText(), '4');
    const cards = page.locator('#reports-due article');
    assert.match(await cards.nth(0).innerText(), /Tháng 1\/2021 – 02-NQ\/HU[\s\S]*trễ \d+ ngày/);
    const april = cards.nth(3);
    assert.match(await april.innerText(), /Tháng 4\/2021 – 02-NQ\/HU/);
    assert.match(await april.innerText(), /hạn 06\/05\/2021 còn 3 ngày/);
    assert.match(await april.innerText(), /Chưa mở/);
    await assertNoSidewaysScroll(page, 'the home page at 390 px');
    await assertAccessible(page, 'the home page at 390 px');
    await screenshot(page, 'home-anthuy-390');

    // One button opens April's report.
    await submit(page, '#reports-due article:nth-child(4) button');
    assert.match(new URL(page.url()).pathname, /^\/reports\/\d+$/);
    await page.goto(`${server.baseUrl}/`);
    assert.match(await cards.nth(3).innerText(), /Nháp/);
    assert.equal(await cards.nth(3).locator('a.button').innerText(), 'Tiếp tục điền');

    // The district office waits for its communes.
    await office.goto(`${server.baseUrl}/`);
    const arrivals = office.locator('#arrivals article', { hasText: 'Tháng 4/2021' });
    assert.match(await arrivals.innerText(), /0\/\d+ đơn vị đã gửi/);
    assert.match(await arrivals.locator('ul.missing').innerText(), /Đảng bộ xã An Thủy/);
    await assertNoSidewaysScroll(office, 'the district home page at 1366 px');
    await assertAccessible(office, 'the district home page');
    await screenshot(office, 'home-huyenuy-1366');
  } finally {
    await desk.close();
    await phone.close();
  }
});

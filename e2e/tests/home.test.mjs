// The home page, "Việc cần làm", as its users hold it. The demo is played on 03/05/2021, after
// the district has set the plan's monthly calendar: An Thủy's clerk, on a phone, lands on the
// four reports the commune owes (three late, April due in three days) and opens April's with
// one button, typing no code and no period; the district office, on a desktop, lands on which
// communes have sent April's report and which have not.

import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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

test('the commune\'s month on a phone: land, fill, correct, attach, submit, returned, fix, resubmit; the district\'s figures tell the truth', async () => {
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

    // The district office, before anything is sent: April's reports are all missing.
    await office.goto(`${server.baseUrl}/`);
    const aprilArrivals = office.locator('#arrivals article', { hasText: 'Tháng 4/2021' });
    assert.match(await aprilArrivals.innerText(), /0\/\d+ đơn vị đã gửi/);
    assert.match(await aprilArrivals.locator('ul.missing').innerText(), /Đảng bộ xã An Thủy/);
    await assertNoSidewaysScroll(office, 'the district home page at 1366 px');
    await assertAccessible(office, 'the district home page');
    await screenshot(office, 'home-huyenuy-1366');

    // One button opens April's report; the home page then leads back to it.
    await submit(page, '#reports-due article:nth-child(4) button');
    assert.match(new URL(page.url()).pathname, /^\/reports\/\d+$/);
    const reportUrl = page.url();
    await page.goto(`${server.baseUrl}/`);
    assert.match(await cards.nth(3).innerText(), /Nháp/);
    await submit(page, '#reports-due article:nth-child(4) a.button');
    assert.equal(page.url(), reportUrl);

    // Filled on the phone: a wrong number comes back marked, with everything typed kept.
    const firms = page.locator('#report-targets [data-code="KT05"] input[name^="v"]');
    await firms.fill('12,3,4');
    await page.fill('#narrative', 'Tháng 4: vận động 120 hộ trữ nước.');
    const refused = await submit(page, '#narrative-save');
    assert.equal(refused.status(), 422);
    assert.match(await page.locator('#form-error').innerText(), /Chưa lưu/);
    assert.equal(await firms.inputValue(), '12,3,4');
    assert.equal(await page.locator('#narrative').inputValue(), 'Tháng 4: vận động 120 hộ trữ nước.');
    assert.equal(
      await page.locator('#report-targets [data-code="KT05"] .field-error').count(),
      1,
      'the row says what is wrong',
    );
    await assertNoSidewaysScroll(page, 'the report form at 390 px');
    await assertAccessible(page, 'the report form with an error');
    await screenshot(page, 'report-form-error-390');
    // Corrected, then the evidence attached by the button that also saves.
    await firms.fill('2');
    const dir = await mkdtemp(path.join(tmpdir(), 'trienkhai-home-'));
    const pdf = path.join(dir, 'Biên bản.pdf');
    await writeFile(pdf, '%PDF-1.4\n% biên bản\n%%EOF\n');
    await page.setInputFiles('#evidence-file', pdf);
    await submit(page, '#evidence-upload');
    assert.match(await page.locator('#evidence').innerText(), /Biên bản\.pdf/);
    assert.equal(await firms.inputValue(), '2');
    assert.equal(await page.locator('#narrative').inputValue(), 'Tháng 4: vận động 120 hộ trữ nước.');
    // Sent after one question, which shows what goes.
    await submit(page, '#report-submit');
    assert.match(await page.locator('#report-targets [data-code="KT05"]').innerText(), /\b2\b/);
    await assertNoSidewaysScroll(page, 'the confirmation at 390 px');
    await screenshot(page, 'report-confirm-390');
    await submit(page, '#report-confirm');
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'submitted');
    assert.equal(page.url(), reportUrl);

    // April leaves the commune's list and arrives at the district.
    await page.goto(`${server.baseUrl}/`);
    assert.equal(await page.locator('#due-count').innerText(), '3');
    await office.goto(`${server.baseUrl}/`);
    assert.match(await aprilArrivals.innerText(), /1\/\d+ đơn vị đã gửi/);
    assert.doesNotMatch(await aprilArrivals.locator('ul.missing').innerText(), /Đảng bộ xã An Thủy/);

    // The district reads it at its desk and returns it with a comment.
    await office.goto(reportUrl);
    await assertAccessible(office, 'the submitted report at 1366 px');
    await office.fill('#review-comment-input', 'Đề nghị kiểm tra lại số doanh nghiệp');
    await submit(office, '#report-return');
    assert.equal(await office.locator('#report-state').getAttribute('data-state'), 'returned');

    // The commune lands on it, with the comment, and opens it from there.
    await page.goto(`${server.baseUrl}/`);
    assert.equal(await page.locator('#returned-count').innerText(), '1');
    assert.match(await page.locator('#returned').innerText(), /Đề nghị kiểm tra lại số doanh nghiệp/);
    await submit(page, '#returned a.button');
    assert.equal(page.url(), reportUrl);
    // A slip of the thumb: 1.234 is kept, but the row asks whether it is right (larger than
    // the commune's whole year's goal); corrected in place, the question goes.
    await firms.fill('1.234');
    await submit(page, '#narrative-save');
    assert.equal(await firms.inputValue(), '1.234');
    const question = page.locator('#report-targets [data-code="KT05"] .unusual');
    assert.match(await question.innerText(), /Số liệu bất thường/);
    await assertNoSidewaysScroll(page, 'a value asked about at 390 px');
    await assertAccessible(page, 'a value asked about');
    await screenshot(page, 'report-form-unusual-390');
    await firms.fill('3');
    await submit(page, '#narrative-save');
    assert.equal(await question.count(), 0);
    assert.match(
      await page.locator('#report-targets [data-code="KT05"] .previous').innerText(),
      /Kỳ trước: .*\(Tháng 3\/2021\)/,
      'the value says what came before it',
    );
    await submit(page, '#report-submit');
    await assertNoSidewaysScroll(page, 'the confirmation at 390 px');
    await assertAccessible(page, 'the confirmation');
    await submit(page, '#report-confirm');
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'submitted');

    // The district accepts; its dashboard and consolidated report of April tell the truth:
    // the month is progress towards the year (no verdict), and An Thủy's 3 is in its figure.
    await office.goto(reportUrl);
    await submit(office, '#report-accept');
    assert.equal(await office.locator('#report-state').getAttribute('data-state'), 'accepted');
    await office.goto(`${server.baseUrl}/documents/${plan}/consolidated?period=2021-04`);
    assert.match(
      await office.locator('#consolidated-headline').innerText(),
      /0\/22 chỉ tiêu đạt và vượt; 22 chỉ tiêu chưa đánh giá/,
    );
    assert.doesNotMatch(await office.locator('#consolidated-targets').innerText(), /Không đạt|Vượt/);
    await assertAccessible(office, 'the consolidated report');
    const kt05 = office.locator('#consolidated-targets tr[data-code="KT05"] a').first();
    if (await kt05.count()) {
      await Promise.all([office.waitForNavigation(), kt05.click()]);
    } else {
      await office.goto(`${server.baseUrl}/documents/${plan}?period=2021-04`);
      await Promise.all([
        office.waitForNavigation(),
        office.locator('table.targets tr[data-code="KT05"] a').first().click(),
      ]);
    }
    assert.equal(
      (await office.locator('#inputs tr', { hasText: 'An Thủy' }).locator('td.num').first().innerText()).trim(),
      '3',
      'the commune\'s value is in the district\'s figure',
    );

    // Every page of the commune's path fits the phone and passes axe-core.
    // (The accepted report links its unit, its targets and its items.)
    await page.goto(reportUrl);
    const href = async (selector) => page.locator(selector).first().getAttribute('href');
    const own = (await href('a[href^="/units/"]')).split('?')[0];
    const paths = [
      '/', reportUrl.replace(server.baseUrl, ''), `/documents/${plan}`, `/documents/${plan}/reports?period=2021-04`,
      '/documents', '/my-plan', '/notifications', own, `${own}/dashboard`,
      await href('#report-targets a[href^="/targets/"]'),
      await href('#report-items a[href^="/work-items/"]'),
    ];
    for (const path of paths) {
      await page.goto(`${server.baseUrl}${path}`);
      await assertNoSidewaysScroll(page, `${path} at 390 px`);
      await assertAccessible(page, `${path} at 390 px`);
    }
    // And the district's at a desk.
    for (const path of ['/', `/documents/${plan}`, `/documents/${plan}/reports?period=2021-04`]) {
      await office.goto(`${server.baseUrl}${path}`);
      await assertNoSidewaysScroll(office, `${path} at 1366 px`);
      await assertAccessible(office, `${path} at 1366 px`);
    }
  } finally {
    await desk.close();
    await phone.close();
  }
});

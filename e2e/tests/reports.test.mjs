// Reporting cycles in a real browser: the district sets the plan's monthly calendar and a
// reminder; An Thủy's office opens its April report, fills a value the Vietnamese way, a work
// item line and the narrative, attaches evidence and submits (late); the district sees it
// received, returns it with a comment; the commune corrects and resubmits; the district
// accepts (locked), reads the consolidated report and the dashboard.

import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
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
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function planId(page) {
  await page.goto(`${server.baseUrl}/documents`);
  await page.fill('#doc-number', '02-NQ/HU');
  await submit(page, '#documents-show');
  const href = await page.locator('#documents tbody tr a').first().getAttribute('href');
  return href.split('/').pop();
}

test('a commune reports, the district returns it, the commune corrects, the district accepts', async () => {
  const district = await newContext(browser);
  const commune = await newContext(browser);
  try {
    const admin = await district.newPage();
    await login(admin, server.baseUrl, 'admin');
    const plan = await planId(admin);

    // The district sets the calendar: communes two working days before the district.
    await admin.goto(`${server.baseUrl}/documents/${plan}/calendars`);
    await admin.selectOption('#calendar-cadence', 'monthly');
    await admin.fill('#calendar-first', '2021');
    await admin.fill('#calendar-days-after', '5');
    await admin.fill('#calendar-lead', '2');
    await submit(admin, '#calendar-save');
    const april = admin.locator('tr[data-period="2021-04"] td');
    assert.equal(await april.nth(1).innerText(), '10/05/2021');
    assert.equal(await april.nth(2).innerText(), '06/05/2021');
    await admin.fill('#policy-days', '2');
    await submit(admin, '#policy-save');
    assert.match(await admin.locator('#reminder-policies').innerText(), /Trước hạn nộp: 2/);
    await screenshot(admin, 'calendar-02-NQ-HU');
    await assertAccessible(admin, 'the plan\'s calendars');

    // An Thủy opens its April report from the plan's page.
    const page = await commune.newPage();
    await login(page, server.baseUrl, 'anthuy');
    await page.goto(`${server.baseUrl}/documents/${plan}`);
    // No code to type: the unit is found by its name typed without diacritics, the month
    // is chosen in words.
    await page.fill('#open-report-form .picker-search', 'an thuy');
    assert.match(await page.locator('#report-unit option:checked').innerText(), /An Thủy/);
    await page.selectOption('#report-period', { label: 'Tháng 4/2021' });
    await submit(page, '#open-report');
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'draft');
    assert.equal(await page.locator('#report-deadline').innerText(), '06/05/2021');
    const firms = page.locator('#report-targets [data-code="KT05"] input[name^="v"]');
    await firms.fill('1.234');
    const line = page.locator('#report-items fieldset').first();
    await line.locator('input[name^="p"]').fill('40');
    await line.locator('textarea').fill('Đã khảo sát 3 tuyến kênh');
    await page.fill('#narrative', 'Tháng 4: vận động 120 hộ trữ nước.\nChuẩn bị mùa mưa.');
    await submit(page, '#narrative-save');
    assert.equal(await firms.inputValue(), '1.234', 'the value as typed, read back');
    assert.match(await page.locator('#report-targets [data-code="KT05"]').innerText(), /nhập qua báo cáo/);

    // Evidence: a PDF attached and listed with its size.
    const dir = await mkdtemp(path.join(tmpdir(), 'trienkhai-evidence-'));
    const pdf = path.join(dir, 'Biên bản kiểm tra.pdf');
    await writeFile(pdf, '%PDF-1.4\n% biên bản\n%%EOF\n');
    await page.setInputFiles('#evidence-file', pdf);
    await submit(page, '#evidence-upload');
    assert.match(await page.locator('#evidence').innerText(), /Biên bản kiểm tra\.pdf/);
    // A file that is not what its name says is refused with the field named.
    const fake = path.join(dir, 'anh.png');
    await writeFile(fake, 'not a picture');
    await page.setInputFiles('#evidence-file', fake);
    const refused = await submit(page, '#evidence-upload');
    assert.equal(refused.status(), 422);
    assert.ok((await page.locator('#file-error').innerText()).length > 0, 'the file says why');
    assert.equal(await firms.inputValue(), '1.234', 'the figures stay');

    // Submitting shows what will be sent and asks once.
    await submit(page, '#report-submit');
    assert.match(new URL(page.url()).pathname, /\/confirm$/);
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'draft');
    await submit(page, '#report-confirm');
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'submitted');
    assert.equal(await page.locator('#report-late').count(), 1, 'submitted after the deadline');
    const reportUrl = page.url();

    // The district: received (late), the others missing; it returns the report.
    await admin.goto(`${server.baseUrl}/documents/${plan}/reports?period=2021-04`);
    assert.equal(await admin.locator('#received-count').innerText(), '1');
    assert.equal(
      await admin.locator('#unit-reports tr[data-code="X-ANTHUY"]').getAttribute('data-state'),
      'submitted',
    );
    await Promise.all([
      admin.waitForNavigation(),
      admin.locator('#unit-reports tr[data-code="X-ANTHUY"] a').click(),
    ]);
    assert.match(await admin.locator('#narrative-text').innerText(), /Chuẩn bị mùa mưa/);
    await admin.fill('#review-comment-input', 'Bổ sung số hộ nghèo');
    await submit(admin, '#report-return');
    assert.equal(await admin.locator('#report-state').getAttribute('data-state'), 'returned');

    // The commune sees the comment, corrects and resubmits.
    await page.goto(reportUrl);
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'returned');
    assert.equal(await page.locator('#review-comment').innerText(), 'Bổ sung số hộ nghèo');
    await page.fill('#narrative', 'Tháng 4: vận động 120 hộ trữ nước; 35 hộ nghèo được hỗ trợ.');
    await submit(page, '#report-submit');
    await submit(page, '#report-confirm');
    assert.equal(await page.locator('#report-state').getAttribute('data-state'), 'submitted');

    // The district accepts: locked for the commune.
    await admin.goto(reportUrl);
    await submit(admin, '#report-accept');
    assert.equal(await admin.locator('#report-state').getAttribute('data-state'), 'accepted');
    assert.equal(await admin.locator('#reopen-form').count(), 1);
    await page.goto(reportUrl);
    assert.equal(await page.locator('#report-form').count(), 0, 'locked');
    assert.equal(await page.locator('#reopen-form').count(), 0, 'only the reviewer reopens');
    assert.match(await page.locator('#narrative-text').innerText(), /35 hộ nghèo/);
    await screenshot(page, 'report-accepted');

    // The consolidated report gathers the commune's line and narrative.
    await admin.goto(`${server.baseUrl}/documents/${plan}/consolidated?period=2021-04`);
    assert.match(await admin.locator('#consolidated-headline').innerText(), /^\d+\/22 chỉ tiêu đạt và vượt/);
    assert.match(await admin.locator('#consolidated-items').innerText(), /Đã khảo sát 3 tuyến kênh/);
    assert.equal(await admin.locator('#national-states tr').count(), 4);
    await submit(admin, '#start-level-report-button');
    assert.match(await admin.locator('#narrative').inputValue(), /^I\. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU/);
    await screenshot(admin, 'consolidated-start');
    await assertAccessible(admin, 'the consolidated report');

    // As of 20/05/2021 nothing had come in (the report was submitted today): all overdue.
    await admin.goto(
      `${server.baseUrl}/documents/${plan}/reports?period=2021-04&as_of=20/05/2021`,
    );
    const missing = Number(await admin.locator('#missing-count').innerText());
    assert.ok(missing >= 20, `${missing}`);
    assert.equal(await admin.locator('#received-count').innerText(), '0');
    assert.equal(await admin.locator('#late-count').innerText(), String(missing));
  } finally {
    await district.close();
    await commune.close();
  }
});

test("a unit's dashboard shows figures, items, reports and what is behind, printable", async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    // The district as it stood in May 2021 (it was merged away in 2025).
    await page.goto(`${server.baseUrl}/units?as_of=20/05/2021`);
    await Promise.all([
      page.waitForNavigation(),
      page.locator('#tree a', { hasText: /^Huyện ủy Ba Tri$/ }).first().click(),
    ]);
    await Promise.all([page.waitForNavigation(), page.click('#dashboard-link')]);
    assert.equal(await page.locator('#dashboard-as-of').innerText(), '20/05/2021');
    await page.selectOption('#dashboard-period', { label: 'Tháng 4/2021' });
    await submit(page, '#dashboard-form button[type="submit"]');
    // April against the year's goals: progress, no verdict, and the headline says so.
    assert.match(await page.locator('#dashboard-headline').innerText(), /^0\/22 chỉ tiêu đạt và vượt; 22 chỉ tiêu chưa đánh giá/);
    assert.equal(await page.locator('#dashboard-targets tbody tr').count(), 22);
    assert.equal(await page.locator('#dashboard-national tr').count(), 4);
    assert.equal(await page.locator('svg.chart').count(), 2, 'status and trend');
    // On 20/05/2021 nothing had come in yet: An Thủy's report was submitted today.
    assert.equal(await page.locator('#dash-received').innerText(), '0');
    assert.match(await page.locator('#dashboard-past').innerText(), /đến hết ngày 20\/05\/2021/);
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    await page.fill('#dashboard-as-of-input', today);
    await submit(page, '#dashboard-form button[type="submit"]');
    assert.equal(await page.locator('#dashboard-as-of').innerText(), today);
    assert.equal(await page.locator('#dashboard-past').count(), 0);
    assert.equal(await page.locator('#dash-received').innerText(), '1');
    // Printed, the forms disappear.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#dashboard-form').isVisible(), false);
    await screenshot(page, 'dashboard-ba-tri');
    await assertAccessible(page, 'the dashboard');
  } finally {
    await context.close();
  }
});

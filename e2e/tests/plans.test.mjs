// Plans in a real browser: find 02-NQ/HU, read its headline, targets and work items grouped by
// the plan frame, follow a figure to its formula and inputs, record a value as a commune
// editor (and be refused another commune's), move a work item through a request and its
// approval, read the coverage report, attach the resolution's file.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, login, newContext, screenshot, startServer, submit } from './helpers.mjs';

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

async function openPlan(page) {
  await page.goto(`${server.baseUrl}/documents`);
  await page.fill('#doc-number', '02 - nq / hu');
  await submit(page, '#documents-show');
  const rows = page.locator('#documents tbody tr');
  assert.equal(await rows.count(), 1, 'the number is found however it is typed');
  await Promise.all([page.waitForNavigation(), rows.first().locator('a').click()]);
}

test('the district plan: headline, groups, a figure with its formula, a work item and its cascade', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    await openPlan(page);
    assert.match(await page.locator('#document-number').innerText(), /Nghị quyết 02-NQ\/HU/);
    assert.match(await page.locator('#headline').innerText(), /^\d+\/22 chỉ tiêu đạt và vượt(; \d+ chỉ tiêu chưa đánh giá \(.*\))?$/);
    assert.equal(await page.locator('svg.chart').count(), 1, 'the status chart');
    assert.equal(await page.locator('table.targets tbody tr').count(), 22);
    assert.equal(await page.locator('table.items tbody tr').count(), 29);
    await screenshot(page, 'plan-02-NQ-HU');

    // Grouped by theme, a target under two themes shows twice; the spearheads are named.
    await page.selectOption('#group', 'theme');
    await submit(page, '#show-plan');
    const groups = await page.locator('h3.group').allInnerTexts();
    assert.ok(groups.some((g) => g.startsWith('Mũi 1')), groups.join(' | '));
    assert.ok((await page.locator('table.targets tbody tr').count()) > 22);

    // The poverty rate: a ratio recomputed from the communes' numerators and denominators.
    await Promise.all([
      page.waitForNavigation(),
      page.locator('table.targets tr[data-code="XH01"] a').first().click(),
    ]);
    assert.match(await page.locator('#target-name').innerText(), /Tỷ lệ hộ nghèo/);
    assert.match(await page.locator('#formula').innerText(), /\) \/ \(.*\) × 100 = \d+,\d+/);
    assert.equal(await page.locator('#inputs tbody tr').count(), 23);
    assert.match(await page.locator('#figure-value').innerText(), /^\d+,\d+$/, 'a Vietnamese decimal');
    assert.ok((await page.locator('#trend svg rect.bar').count()) >= 11, 'the trend chart');
    await screenshot(page, 'target-XH01');

    // A work item of the article: Tiệm Tôm became a town in 2023, late.
    await page.goBack();
    await page.goBack();
    await Promise.all([
      page.waitForNavigation(),
      page.locator('table.items tr[data-code="DV05"] a').click(),
    ]);
    assert.equal(await page.locator('#item-state').innerText(), 'Hoàn thành quá hạn');
    assert.match(await page.locator('#item-result').innerText(), /724\/NQ-UBTVQH15/);
    const up = await page.locator('#cascade-up li').allInnerTexts();
    assert.ok(up[0].startsWith('02-NQ/HU') && up[1].startsWith('05-NQ/TU'), up.join(' | '));
  } finally {
    await context.close();
  }
});

test('a commune editor records its own value and is offered only its own units', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'anthuy');
    await openPlan(page);
    assert.match(await page.locator('.headline').innerText(), /Đảng bộ xã An Thủy/, 'seen from its commune');
    await Promise.all([
      page.waitForNavigation(),
      page.locator('table.targets tr[data-code="KT05"] a').first().click(),
    ]);
    await page.selectOption('#actual-period', { label: 'Tháng 1/2022' });
    await page.fill('#actual-value', '4');
    const saved = await submit(page, '#actual-save');
    assert.equal(saved.status(), 200);
    assert.match(page.url(), /period=2022-01/);
    assert.equal(await page.locator('#figure-value').innerText(), '4');

    // Another commune is not even offered (the server refuses it too: the HTTP tests).
    assert.equal(await page.locator('#actual-unit option[value="X-ANDUC"]').count(), 0);
    assert.ok(await page.locator('#actual-unit option').count() >= 1);
    await screenshot(page, 'actual-units-offered');
  } finally {
    await context.close();
  }
});

test('a pause is asked, approved, and the old deadline stays on record after a move', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    await openPlan(page);
    await Promise.all([
      page.waitForNavigation(),
      page.locator('table.items tr[data-code="DV08"] a').click(),
    ]);
    // DV08's extension was approved in the demo: the former deadline is shown.
    assert.match(await page.locator('.former-deadline').first().innerText(), /31\/12\/2021/);
    await page.selectOption('#request-kind', 'pause');
    await page.fill('#request-reason', 'Chờ bố trí vốn');
    await submit(page, '#request-send');
    assert.match(await page.locator('#pending-request').innerText(), /Tạm dừng/);
    await submit(page, '#approve');
    assert.equal(await page.locator('#item-state').innerText(), 'Tạm dừng');
    assert.equal(await page.locator('#requests tbody tr').count(), 2);
  } finally {
    await context.close();
  }
});

test('the coverage report and the resolution file', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    await openPlan(page);
    const planUrl = page.url();
    await page.setInputFiles('#file', {
      name: 'Nghị quyết 02-NQ-HU.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% demo\n%%EOF\n'),
    });
    await submit(page, '#upload');
    const link = page.locator('a.file');
    assert.equal(await link.innerText(), 'Nghị quyết 02-NQ-HU.pdf');
    const download = await page.request.get(new URL(await link.getAttribute('href'), server.baseUrl).href);
    assert.equal(download.headers()['content-type'], 'application/pdf');
    assert.equal((await download.body()).toString(), '%PDF-1.4\n% demo\n%%EOF\n');

    await page.goto(planUrl);
    await Promise.all([page.waitForNavigation(), page.click('#coverage-link')]);
    assert.equal(await page.locator('#orphans-count').innerText(), '1');
    assert.equal(await page.locator('#orphans tr').first().getAttribute('data-code'), 'AT-CHO');
    const uncovered = await page.locator('#uncovered-items tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
    assert.ok(uncovered.includes('DV01') && !uncovered.includes('DV05'), uncovered.join(','));
    await screenshot(page, 'coverage-02-NQ-HU');
  } finally {
    await context.close();
  }
});

test('an editor defines a target and a work item from the plan page, hands down a quota and splits the item', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin');
    await openPlan(page);
    const planUrl = page.url();

    await page.click('#new-target summary');
    await page.fill('#target-code', 'XH09');
    await page.fill('#target-name-input', 'Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng');
    await page.fill('#target-uom', '%');
    await page.selectOption('#target-field', 'XH');
    await page.selectOption('#target-themes', 'chan2');
    await page.selectOption('#target-value-type', 'ratio');
    await page.selectOption('#target-direction', 'decrease');
    await page.selectOption('#target-aggregation', 'ratio');
    // Who reports is chosen among the kinds of units by name, never typed as codes.
    assert.match(await page.locator('#target-reporting').innerText(), /Đảng ủy xã/);
    await page.selectOption('#target-reporting', ['dang_uy_xa', 'dang_uy_thi_tran']);
    await page.fill('#target-goal', '8,5');
    const created = await submit(page, '#target-save');
    assert.equal(created.status(), 200);
    assert.match(await page.locator('#target-name').innerText(), /XH09\. Tỷ lệ trẻ em/);
    assert.equal(await page.locator('#figure-goal').innerText(), '8,5');
    assert.equal(await page.locator('#figure-status').innerText(), 'Chưa có số liệu');

    // A quota for a commune, then the commune's figure is measured against it.
    await page.selectOption('#quota-unit', 'X-ANTHUY');
    await page.fill('#quota-value', '7');
    await submit(page, '#quota-save');
    assert.equal(await page.locator('#quotas tbody tr').count(), 1);

    await page.goto(planUrl);
    assert.match(await page.locator('#headline').innerText(), /\/23 chỉ tiêu/);
    await page.click('#new-item summary');
    await page.fill('#item-code', 'DV30');
    await page.fill('#item-title-input', 'Chăm sóc dinh dưỡng trẻ em');
    await page.selectOption('#item-lead', 'BTR-LDTBXH');
    await page.selectOption('#item-coordinating', ['BTR-HLHPN', 'BTR-MTTQ']);
    await page.fill('#item-deadline-input', '30/11/2021');
    await page.selectOption('#item-targets', 'XH09');
    await submit(page, '#item-save');
    assert.match(await page.locator('#item-title').innerText(), /DV30\. Chăm sóc dinh dưỡng/);
    assert.equal(await page.locator('#item-deadline').innerText(), '30/11/2021');
    await page.selectOption('#split-units', ['X-ANTHUY', 'X-ANDUC']);
    await submit(page, '#split-save');
    assert.equal(await page.locator('#cascade-down li').count(), 2);
    await page.fill('#milestone-title', 'Rà soát trẻ suy dinh dưỡng');
    await page.fill('#milestone-due', '30/06/2021');
    await submit(page, '#milestone-save');
    assert.equal(await page.locator('#milestones tr').count(), 1);

    // A bad number names its field, in Vietnamese.
    await page.goto(planUrl);
    await page.click('#new-target summary');
    await page.fill('#target-code', 'XH10');
    await page.fill('#target-name-input', 'Thử');
    await page.fill('#target-uom', '%');
    await page.fill('#target-goal', '8,5,5');
    const refused = await submit(page, '#target-save');
    assert.equal(refused.status(), 422);
    assert.match(await page.locator('main').innerText(), /Giá trị/);
  } finally {
    await context.close();
  }
});

test('a document is corrected from its page; a stale form is refused, not overwritten', async () => {
  const context = await newContext(browser);
  try {
    const first = await context.newPage();
    await login(first, server.baseUrl, 'admin');
    await openPlan(first);
    const second = await context.newPage();
    await second.goto(first.url());
    await first.click('#edit-document summary');
    const summary = await first.inputValue('#edit-summary');
    await first.fill('#edit-summary', `${summary} (đã rà soát)`);
    await submit(first, '#document-update');
    assert.match(await first.locator('#document-summary').innerText(), /\(đã rà soát\)$/);

    await second.click('#edit-document summary');
    await second.fill('#edit-summary', 'Một sửa đổi cũ');
    const stale = await submit(second, '#document-update');
    assert.equal(stale.status(), 409);
    await first.reload();
    assert.match(await first.locator('#document-summary').innerText(), /\(đã rà soát\)$/);
  } finally {
    await context.close();
  }
});

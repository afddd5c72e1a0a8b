// Criteria sets (C11) as their users read and fill them, on 15/12/2024. The district office,
// at a desk, reads its communes' new-rural standing at the end of 2024 (a bar of criteria met
// per commune, no map), Ba Tri town's class-IV assessments year over year, what the town still
// missed in 2020 and the work item addressing it, and prints a catalogue's checklist. Tiệm
// Tôm's clerk, on a phone, assesses the town against class V: a figure mistyped comes back
// with everything typed and the field named; corrected, it is kept and evaluated.

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
  server = await startServer({ demoDay: '15/12/2024' });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function looked(page, label, name) {
  await assertNoSidewaysScroll(page, label);
  await assertAccessible(page, label);
  await screenshot(page, name);
}

test('the district reads its communes standing, a town year over year and its gaps', async () => {
  const desk = await newContext(browser, DESKTOP);
  const phone = await newContext(browser, PHONE);
  try {
    const office = await desk.newPage();
    await login(office, server.baseUrl, 'huyenuy');
    await submit(office, '#nav-criteria');
    assert.ok((await office.locator('#catalogues tbody tr').count()) >= 9);
    await looked(office, 'the catalogues', 'criteria-catalogues-desktop');
    await submit(office, '#criteria-areas a');
    assert.match(await office.locator('#overview h2').innerText(), /31\/12\/2024/);
    assert.equal(
      await office.locator('#overview-summary').innerText(),
      '19 đạt chuẩn · 2 chưa đạt · 0 chưa đủ số liệu · 0 chưa đánh giá',
    );
    assert.equal(await office.locator('#overview-bars li').count(), 21, 'An Thủy is a town from 2023');
    const overview = office.url();
    await looked(office, 'the overview', 'criteria-overview-desktop');

    // The same on a phone: the bars fit, nothing scrolls sideways.
    const clerk = await phone.newPage();
    await login(clerk, server.baseUrl, 'huyenuy');
    await clerk.goto(overview);
    await looked(clerk, 'the overview on a phone', 'criteria-overview-phone');

    // A kind nobody in the district was assessed under says so, even after the 2025 reform.
    await office.selectOption('#overview-kind', 'custom');
    await submit(office, '#overview-show');
    assert.equal(await office.locator('#overview-empty').count(), 1);

    // Urban classes in 2021: Ba Tri town one criterion short yet over the pass mark.
    await office.selectOption('#overview-kind', 'urban');
    await submit(office, '#overview-show');
    await office.selectOption('#overview-year', '2021');
    await submit(office, '#overview-show');
    const bars = await office.locator('#overview-bars li').allInnerTexts();
    assert.ok(bars.some((b) => /Ba Tri/.test(b) && /7\/8 tiêu chí · 82 điểm/.test(b)), bars.join('\n'));
    await office.locator('#overview-bars li', { hasText: 'Ba Tri' }).first().locator('a').first().click();
    await office.waitForLoadState('load');
    const heads = await office.locator('#yoy-1 thead th').allInnerTexts();
    assert.deepEqual(heads.slice(1).map((h) => h.slice(0, 10)), ['31/12/2020', '31/12/2021']);
    await looked(office, 'the town year over year', 'criteria-yoy-desktop');
    await clerk.goto(office.url());
    await looked(clerk, 'the town year over year on a phone', 'criteria-yoy-phone');

    // 2020: two criteria short, DV01 addressing them; re-read under the 2023 version.
    await submit(office, '#yoy-1 thead th:nth-child(2) a');
    assert.deepEqual(
      (await office.locator('#gap-list li').allInnerTexts()).map((g) => g.split('.')[0]),
      ['2', '3'],
    );
    assert.match(await office.locator('#gap-item-list').innerText(), /DV01/);
    await office.selectOption('#compare-catalogue', { index: 0 });
    await submit(office, '#compare-show');
    assert.match(await office.locator('#compare-result').innerText(), /^Theo /);
    assert.equal(await office.locator('#compare-reassess').count(), 1, 'the district edits its subtree');
    await looked(office, 'an assessment and its gaps', 'criteria-assessment-desktop');
    await clerk.goto(office.url());
    await looked(clerk, 'an assessment on a phone', 'criteria-assessment-phone');

    // The checklist prints.
    await submit(office, 'a[href^="/criteria/catalogues/"]');
    assert.equal(await office.locator('#print-checklist').count(), 1);
    assert.ok((await office.locator('tr[id^="criterion-"]').count()) >= 8);
    await looked(office, 'the checklist', 'criteria-checklist-desktop');
  } finally {
    await desk.close();
    await phone.close();
  }
});

test('a town clerk assesses on a phone and nothing typed is lost', async () => {
  const phone = await newContext(browser, PHONE);
  try {
    const clerk = await phone.newPage();
    await login(clerk, server.baseUrl, 'anthuy');
    await submit(clerk, '#nav-criteria');
    await submit(clerk, '#criteria-areas a');
    await submit(clerk, '#assess-new');
    const option = await clerk
      .locator('#assessment-catalogue option', { hasText: /loại V.*01\/01\/2023/ })
      .first()
      .getAttribute('value');
    await clerk.selectOption('#assessment-catalogue', option);
    await clerk.fill('#assessment-on', '30/11/2024');
    await submit(clerk, '#assessment-next');
    await looked(clerk, 'the assessment form', 'criteria-form-phone');
    await clerk.fill('#v-1', '17');
    await clerk.fill('#v-2\\.1', '17.450');
    await clerk.fill('#e-2\\.1', 'Niên giám thống kê 2023');
    await clerk.fill('#v-3\\.1', 'bảy trăm');
    await clerk.fill('#v-3\\.2', '5.250');
    await clerk.fill('#v-4\\.1', '61');
    await clerk.fill('#v-5', '46');
    const refused = await submit(clerk, '#assessment-save');
    assert.equal(refused.status(), 422);
    assert.match(await clerk.locator('#assessment-error').innerText(), /3\.1|Mật độ/);
    assert.equal(await clerk.inputValue('#v-2\\.1'), '17.450', 'what was typed stays');
    assert.equal(await clerk.inputValue('#e-2\\.1'), 'Niên giám thống kê 2023');
    assert.equal(await clerk.inputValue('#v-3\\.1'), 'bảy trăm');
    assert.equal(await clerk.locator('#entry-3\\.1.invalid').count(), 1);
    await looked(clerk, 'the refused form', 'criteria-form-refused-phone');
    await clerk.fill('#v-3\\.1', '790');
    await submit(clerk, '#assessment-save');
    assert.match(new URL(clerk.url()).pathname, /^\/criteria\/assessments\/\d+$/);
    assert.equal(await clerk.locator('#assessment-saved').count(), 1);
    assert.match(await clerk.locator('#gap-list').innerText(), /3\.1.*còn thiếu 210/);
    assert.match(await clerk.locator('#row-4\\.1').innerText(), /61%/);
    await looked(clerk, 'the kept assessment', 'criteria-kept-phone');
    // Re-read under the class-V version before 2023, then re-assessed from the same figures.
    await clerk.selectOption('#compare-catalogue', { index: 0 });
    await submit(clerk, '#compare-show');
    await submit(clerk, '#compare-reassess');
    assert.equal(await clerk.inputValue('#v-2\\.1'), '17.450', 'the figures carried over');
    assert.equal(await clerk.inputValue('#e-2\\.1'), 'Niên giám thống kê 2023');
  } finally {
    await phone.close();
  }
});

test('the administrator imports a province variant and checks a figure against the text', async () => {
  const desk = await newContext(browser, DESKTOP);
  try {
    const admin = await desk.newPage();
    await login(admin, server.baseUrl, 'admin');
    await submit(admin, '#nav-criteria');
    await submit(admin, '#catalogue-import');
    await looked(admin, 'the import form', 'criteria-import-desktop');
    const fill = async () => {
      await admin.fill('#import-code', 'ntm-ben-tre');
      await admin.fill('#import-name', 'Bộ tiêu chí xã nông thôn mới tỉnh Bến Tre');
      await admin.selectOption('#import-kind', 'new_rural');
      await admin.fill('#import-region', 'Bến Tre');
      await admin.fill('#import-source', 'Quyết định của UBND tỉnh (minh họa)');
      await admin.fill('#import-from', '01/06/2022');
    };
    const table = (threshold) => ({
      name: 'bo-tieu-chi.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        `Nhóm;Tên nhóm;Mã;Tiêu chí;Cách đánh giá;Ngưỡng;Đơn vị\n1;Kinh tế;10;Thu nhập bình quân đầu người;tối thiểu;${threshold};triệu đồng/người/năm\n1;Kinh tế;11;Tỷ lệ hộ nghèo đa chiều;tối đa;3;%\n`,
      ),
    });
    await fill();
    await admin.setInputFiles('#import-file', table('sáu mươi'));
    const refused = await submit(admin, '#import-send');
    assert.equal(refused.status(), 422);
    assert.match(await admin.locator('#import-rows').innerText(), /\b2\b/);
    assert.equal(await admin.inputValue('#import-name'), 'Bộ tiêu chí xã nông thôn mới tỉnh Bến Tre', 'the header stays typed');
    await looked(admin, 'the refused import', 'criteria-import-refused-desktop');
    await admin.setInputFiles('#import-file', table('60'));
    await submit(admin, '#import-send');
    assert.match(await admin.locator('#import-preview').innerText(), /1 nhóm, 2 tiêu chí/);
    await admin.setInputFiles('#import-file', table('60'));
    await admin.uncheck('#import-dry');
    await submit(admin, '#import-send');
    assert.match(new URL(admin.url()).pathname, /^\/criteria\/catalogues\/\d+$/);
    assert.equal(await admin.locator('tr[id^="criterion-"]').count(), 2);

    // A shipped class-V threshold checked against the text: changed, no longer flagged.
    await submit(admin, '#nav-criteria');
    await submit(admin, '#catalogues tr:has-text("loại V") a >> nth=0');
    await submit(admin, '#catalogue-edit');
    await looked(admin, 'the figures to check', 'criteria-edit-desktop');
    await admin.fill('#threshold-2\\.1', 'bốn nghìn');
    const bad = await submit(admin, '#catalogue-save');
    assert.equal(bad.status(), 422);
    assert.equal(await admin.inputValue('#threshold-2\\.1'), 'bốn nghìn', 'what was typed stays');
    await admin.fill('#threshold-2\\.1', '4.000');
    await admin.uncheck('#verify-2\\.1');
    await submit(admin, '#catalogue-save');
    assert.doesNotMatch(await admin.locator('#criterion-2\\.1').innerText(), /Cần đối chiếu/);
    assert.match(await admin.locator('#criterion-2\\.1').innerText(), /4\.000/);
  } finally {
    await desk.close();
  }
});

// People and accounts through their pages, as the administrator: a person with party dates and
// two posts at once, found again without diacritics; an account with a scoped role and an API
// token shown exactly once.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, login, newContext, screenshot, startServer, submit } from './helpers.mjs';

let server;
let browser;
let page;
/** The page of the person the first test creates. */
let personUrl;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  page = await (await newContext(browser)).newPage();
  await login(page, server.baseUrl, 'admin');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a person is created with party dates and holds two posts at once', async () => {
  await page.goto(`${server.baseUrl}/persons/new`);
  const form = page.locator('#new-person-form');
  await form.locator('input[name=full_name]').fill('Nguyễn Thị Thử');
  await form.locator('input[name=birth_year]').fill('1990');
  await form.locator('input[name=party_admitted_on]').fill('01/02/2015');
  await form.locator('input[name=party_full_member_on]').fill('01/02/2016');
  await form.locator('select[name=unit_code]').selectOption('X-TANTHUY-2025');
  await form.locator('input[name=title]').fill('Ủy viên Ban Chấp hành');
  await form.locator('input[name=valid_from]').fill('01/01/2026');
  const created = await submit(page, '#new-person-form button[type=submit]');
  assert.equal(created.status(), 200, page.url());
  assert.match(new URL(page.url()).pathname, /^\/persons\/\d+$/);
  personUrl = page.url();
  assert.equal(await page.locator('#person-name').innerText(), 'Nguyễn Thị Thử');
  assert.equal(await page.locator('#party-status').innerText(), 'Đảng viên chính thức');

  const add = page.locator('#add-post-form');
  await add.locator('select[name=unit_code]').selectOption('CB-TANTHUY-1');
  await add.locator('input[name=title]').fill('Bí thư Chi bộ');
  await add.locator('input[name=valid_from]').fill('01/02/2026');
  await submit(page, '#add-post-form button[type=submit]');
  const posts = await page.locator('#person-posts tbody tr').allInnerTexts();
  assert.equal(posts.length, 2, JSON.stringify(posts));
  assert.ok(posts.some((p) => p.includes('Ủy viên Ban Chấp hành')) && posts.some((p) => p.includes('Bí thư Chi bộ')));
  await screenshot(page, 'person-two-posts');

  // The same post again over the same period is refused with the field named.
  await add.locator('select[name=unit_code]').selectOption('CB-TANTHUY-1');
  await add.locator('input[name=title]').fill('Bí thư Chi bộ');
  await add.locator('input[name=valid_from]').fill('01/03/2026');
  const refused = await submit(page, '#add-post-form button[type=submit]');
  assert.equal(refused.status(), 422);
  assert.match(await page.locator('#error-message').innerText(), /chồng lấn/);
});

test('the person page shows the record as it stood on a past day', async () => {
  await page.goto(`${personUrl}?at=01/01/2000`);
  assert.match(await page.locator('#past-record').innerText(), /Chưa có hồ sơ/);
  await page.goto(`${personUrl}?at=31/12/2999`);
  assert.equal(await page.locator('#past-name').innerText(), 'Nguyễn Thị Thử');
  assert.match(await page.locator('#past-record').innerText(), /Bí thư Chi bộ/);
  const bad = await page.goto(`${personUrl}?at=31/02/2021`);
  assert.equal(bad.status(), 422);
});

test('the person is found without diacritics, and the change log names the post', async () => {
  await page.goto(`${server.baseUrl}/persons`);
  await page.fill('#person-q', 'nguyen thi thu');
  await submit(page, 'form.bar button[type=submit]');
  const names = await page.locator('#persons tbody tr td:first-child').allInnerTexts();
  assert.deepEqual(names, ['Nguyễn Thị Thử']);
  await submit(page, '#persons tbody tr td:first-child a');
  const log = await page.locator('#history').innerText();
  assert.match(log, /Thêm chức vụ/);
  assert.match(log, /Tạo mới/);
});

test('an account gets a scoped role and an API token shown once', async () => {
  await page.goto(`${server.baseUrl}/accounts/new`);
  const form = page.locator('#new-account-form');
  await form.locator('input[name=username]').fill('thuky');
  await form.locator('input[name=display_name]').fill('Thư ký xã Tân Thủy');
  await form.locator('input[name=password]').fill('mật khẩu đủ dài');
  await submit(page, '#new-account-form button[type=submit]');
  assert.match(new URL(page.url()).pathname, /^\/accounts\/\d+$/);
  const accountUrl = page.url();

  const grant = page.locator('#grant-form');
  await grant.locator('select[name=role]').selectOption('viewer');
  // The scope is found by its name typed without diacritics.
  await grant.locator('.picker-search').fill('tan thuy');
  await grant.locator('select[name=unit_code]').selectOption('X-TANTHUY-2025');
  await submit(page, '#grant-form button[type=submit]');
  const grants = await page.locator('#grants tbody').innerText();
  assert.match(grants, /Xem/);
  assert.match(grants, /Tân Thủy/);

  await page.locator('#token-form input[name=name]').fill('Báo cáo tự động');
  await page.locator('#token-form input[name=valid_days]').fill('30');
  await submit(page, '#issue-token');
  const token = await page.locator('#new-token').innerText();
  assert.match(token, /^tk_[A-Za-z0-9_-]{40,}$/);
  await screenshot(page, 'account-token-once');

  // The token works on the API, and the page never shows it again.
  const me = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).username, 'thuky');
  await page.goto(accountUrl);
  assert.equal(await page.locator('#new-token').count(), 0);
  assert.ok(!(await page.content()).includes(token));
});

// a. Logging in: a wrong password is refused with a message, the right one lands on the tree.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, login, newContext, screenshot, startServer } from './helpers.mjs';

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

test('a visitor who is not logged in is sent to the login page', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/units`);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.equal(await page.locator('#username').count(), 1);
  } finally {
    await context.close();
  }
});

test('a wrong password shows an error and keeps the user on the login page', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await login(page, server.baseUrl, 'admin', 'not-the-password');
    await screenshot(page, 'login-wrong-password');
    assert.equal(new URL(page.url()).pathname, '/login');
    const error = page.locator('#login-error');
    assert.equal(await error.count(), 1, 'the login error is shown');
    assert.match(await error.innerText(), /không đúng/);
    assert.equal(await page.locator('#current-user').count(), 0, 'nobody is logged in');
  } finally {
    await context.close();
  }
});

test('the right password lands on the work of the day with the user\'s display name', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const response = await login(page, server.baseUrl, 'admin');
    await screenshot(page, 'login-ok');
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.locator('h1').innerText(), 'Việc cần làm');
    assert.equal(await page.locator('#current-user').innerText(), 'Quản trị hệ thống (demo)');
    assert.equal(await page.locator('#login-error').count(), 0);
  } finally {
    await context.close();
  }
});

// Shared helpers of the browser end-to-end tests: the server under test, the browser, logging in.
//
// Each test file starts its own server (`startServer()` in `before`, `stop()` in `after`) on a
// fresh SQLite data directory with the Ba Tri demo, so files never see each other's changes.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The e2e directory (parent of tests/). */
export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where screenshots go (ignored by git). */
export const RESULTS_DIR = path.join(E2E_DIR, 'test-results');

/** The server binary: `TRIENKHAI_BIN`, else the debug build of the workspace. */
export function serverBinary() {
  return path.resolve(E2E_DIR, process.env.TRIENKHAI_BIN || '../target/debug/trienkhai');
}

/** A TCP port that was free a moment ago (listen on port 0, read the port, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `trienkhai serve --demo` on a fresh data directory and a free loopback port, and waits
 * (up to `timeoutMs`, 60 s by default) for `GET /healthz` to answer 200.
 * Returns `{ baseUrl, dataDir, stop, log }`; `stop()` sends SIGTERM, awaits the exit and removes
 * the data directory (kept when `E2E_KEEP_DATA` is set).
 */
export async function startServer({ timeoutMs = 60_000, demoDay } = {}) {
  const bin = serverBinary();
  let lastError;
  // The free port may be taken between our probe and the server's bind: try a few ports.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(bin, timeoutMs, demoDay);
    } catch (err) {
      lastError = err;
      if (!err.retryable) break;
    }
  }
  throw lastError;
}

async function startOnce(bin, timeoutMs, demoDay) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trienkhai-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The explicit flags must win: drop the variables that could point the server elsewhere.
  const env = { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' };
  for (const k of [
    'TRIENKHAI_DATA_DIR',
    'TRIENKHAI_DATABASE_URL',
    'TRIENKHAI_LISTEN',
    'TRIENKHAI_SECURE_COOKIES',
  ]) {
    delete env[k];
  }
  const child = spawn(
    bin,
    [
      'serve',
      '--demo',
      ...(demoDay ? ['--demo-day', demoDay] : []),
      '--data-dir',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (chunk) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });
  // Never leave a server behind if the test process dies without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const cleanup = async () => {
    process.removeListener('exit', killOnExit);
    if (!process.env.E2E_KEEP_DATA) await rm(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  let healthy = false;
  while (Date.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        healthy = true;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  if (!healthy) {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
    await cleanup();
    const why = exited?.error
      ? `could not start ${bin}: ${exited.error.message}`
      : `server at ${baseUrl} not healthy within ${timeoutMs} ms (exit: ${JSON.stringify(exited)})`;
    const err = new Error(`${why}\n--- server log ---\n${log}`);
    err.retryable = !exited?.error && /address already in use|AddrInUse/i.test(log);
    throw err;
  }

  let stopped = null;
  const stop = () => {
    stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exitPromise;
        clearTimeout(timer);
      }
      await cleanup();
      return exited;
    })();
    return stopped;
  };
  return { baseUrl, dataDir, stop, log: () => log };
}

/** The system Chromium, headless. `CHROMIUM` overrides its path. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh browser context (own cookies) asking for Vietnamese. The app picks its language from
 * Accept-Language, and Chromium would otherwise send the machine's (usually en-US).
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'vi-VN', ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

/**
 * Clicks `selector` and waits for the navigation it causes; returns the final response (after
 * redirects), whose status is the page's HTTP status.
 */
export async function submit(page, selector) {
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click(selector),
  ]);
  return response;
}

/**
 * Logs in through the login page. Returns the response of the page the form lands on
 * (`/`, the work of the day, on success; the login page again on failure).
 */
export async function login(page, baseUrl, username, password = 'demo') {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  return submit(page, '#login-submit');
}

/** Saves a full-page screenshot to `e2e/test-results/<name>.png`. */
export async function screenshot(page, name) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The unit names shown in the tree (`#tree li > a`), in page order; [] when the tree is empty. */
export async function treeNames(page) {
  return page.locator('#tree li > a').allInnerTexts();
}

/** Opens the tree as of `date` (dd/mm/yyyy) through the date field and the Show button. */
export async function showTreeAsOf(page, date) {
  await page.fill('#as_of', date);
  await page.fill('#q', '');
  return submit(page, '#show-tree');
}

/** The href of the tree link whose text is exactly `name`, on the tree as of `date`. */
export async function unitHref(page, baseUrl, name, date) {
  await page.goto(`${baseUrl}/units?as_of=${date}`);
  const link = page.locator('#tree li > a').filter({ hasText: new RegExp(`^${escapeRe(name)}$`) });
  const count = await link.count();
  if (count !== 1) throw new Error(`expected one link "${name}" in the tree at ${date}, found ${count}`);
  return link.getAttribute('href');
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A phone as the commune's clerk holds it: 390 × 844 CSS pixels, touch. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
/** A desktop screen of the district office. */
export const DESKTOP = { viewport: { width: 1366, height: 900 } };

/** Fails when the page is wider than its window (a phone would scroll sideways). */
export async function assertNoSidewaysScroll(page, label) {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  assert.ok(scroll <= inner, `${label}: the page is ${scroll} px wide in a ${inner} px window`);
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page as it stands and fails on any critical or serious violation,
 * naming each rule and the elements it found.
 */
export async function assertAccessible(page, label) {
  // Evaluated through the browser's protocol: the pages' policy allows no inline script.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'critical' || v.impact === 'serious')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `${label}: accessibility violations`);
}

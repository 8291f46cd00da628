/**
 * End-to-end run: starts the built server on a fresh embedded database, drives the built web app in
 * headless Chromium and checks the main journeys.
 *
 *   npm run build && npm run e2e            (or: npx tsx e2e/run.ts [--json report.json])
 *
 * Environment: JIEDAO_E2E_CHROMIUM (default /usr/bin/chromium). Screenshots, the server log and the
 * downloaded export land in e2e/results/ (gitignored); the Chinese map screenshot is copied to
 * docs/screenshots/map.png for the README.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_CLI = path.join(ROOT, 'apps/server/dist/cli.js');
const WEB_INDEX = path.join(ROOT, 'apps/web/dist/index.html');
const RESULTS = path.join(ROOT, 'e2e/results');
const README_SCREENSHOT = path.join(ROOT, 'docs/screenshots/map.png');
const CHROMIUM = process.env.JIEDAO_E2E_CHROMIUM ?? '/usr/bin/chromium';

const READY_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 15_000;
const VIEWPORT = { width: 1440, height: 900 } as const;

const PASSWORD = 'Jiedao@2026';
const ACCOUNTS = {
  resident: '13900000001',
  gridWorker: '13900000002',
  tenantAdmin: '13900000014',
} as const;

// ---------------------------------------------------------------- assertions

class AssertionError extends Error {
  override name = 'AssertionError';
}

class UsageError extends Error {
  override name = 'UsageError';
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

interface Expect {
  ok(condition: unknown, message: string): asserts condition;
  equal<T>(actual: T, expected: T, what: string): void;
  includes(haystack: string, needle: string, what: string): void;
  atLeast(actual: number, minimum: number, what: string): void;
}

const expect: Expect = {
  ok(condition: unknown, message: string): asserts condition {
    if (!condition) throw new AssertionError(message);
  },
  equal<T>(actual: T, expected: T, what: string): void {
    if (actual !== expected)
      throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  },
  includes(haystack: string, needle: string, what: string): void {
    if (!haystack.includes(needle)) {
      throw new AssertionError(
        `${what}: expected to contain ${show(needle)}, got ${show(haystack.slice(0, 300))}`,
      );
    }
  },
  atLeast(actual: number, minimum: number, what: string): void {
    if (!(actual >= minimum)) throw new AssertionError(`${what}: expected ≥ ${minimum}, got ${actual}`);
  },
};

/** Polls `probe` until `accept` says yes; fails with the last value seen. */
async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = STEP_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError !== undefined ? `error ${errorText(lastError)}` : `last value ${show(last)}`;
      throw new AssertionError(`${what} (not within ${timeoutMs} ms; ${seen})`);
    }
    await sleep(150);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A sleep that does not keep the process alive (for timeouts raced against something else). */
function graceTimer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join(' | ');
  return String(error);
}

// ---------------------------------------------------------------- server

interface RunningServer {
  baseUrl: string;
  process: ChildProcess;
  dataDir: string;
  logFile: string;
  exited: () => boolean;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedao-e2e-data-'));
  const logFile = path.join(RESULTS, 'server.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [SERVER_CLI, 'serve', '--demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      cwd: ROOT,
      env: { ...process.env, JIEDAO_LOGIN_RATE_LIMIT: '1000', NODE_ENV: 'production' },
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  let hasExited = false;
  child.once('exit', () => {
    hasExited = true;
  });
  const server: RunningServer = {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    dataDir,
    logFile,
    exited: () => hasExited,
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (hasExited) {
      throw new Error(
        `server exited during start-up (code ${String(child.exitCode)}):\n${tail(logFile, 30)}`,
      );
    }
    try {
      const response = await fetch(`${server.baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopServer(server);
      throw new Error(`server not ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail(logFile, 30)}`);
    }
    await sleep(300);
  }
}

async function stopServer(server: RunningServer): Promise<void> {
  if (!server.exited()) {
    const exited = once(server.process, 'exit');
    server.process.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), graceTimer(10_000).then(() => false)]);
    if (!stopped) {
      server.process.kill('SIGKILL');
      await Promise.race([exited, graceTimer(5_000)]);
    }
  }
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- browser helpers

interface ConsoleProblem {
  scenario: string;
  text: string;
  url: string;
}

/** Browser noise that is not an application error. */
function isExpectedConsoleError(message: ConsoleMessage): boolean {
  const text = message.text();
  const url = message.location().url;
  if (/favicon/i.test(url) && text.includes('404')) return true;
  if (!text.startsWith('Failed to load resource')) return false;
  // Chromium logs every non-2xx response as a console error. These ones are by design:
  // the signed-out session probe, the deliberate wrong password, and the deliberate 403 probe.
  if (text.includes('401') && /\/api\/auth\/(me|login)(\?|$)/.test(url)) return true;
  if (text.includes('403') && /\/api\/identity\/access-audit(\?|$)/.test(url)) return true;
  return false;
}

interface Env {
  baseUrl: string;
  browser: Browser;
  consoleProblems: ConsoleProblem[];
  ignoredConsole: number;
}

interface Scenario {
  name: string;
  run: (t: ScenarioContext) => Promise<void>;
}

interface ScenarioContext {
  env: Env;
  context: BrowserContext;
  page: Page;
  screenshot: (name: string) => Promise<string>;
}

function watchPage(env: Env, scenario: string, page: Page): void {
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (isExpectedConsoleError(message)) {
      env.ignoredConsole += 1;
      return;
    }
    env.consoleProblems.push({ scenario, text: message.text(), url: message.location().url });
  });
  page.on('pageerror', (error) => {
    env.consoleProblems.push({ scenario, text: `uncaught: ${errorText(error)}`, url: page.url() });
  });
}

/** An <input> carrying the test id, or the input inside the element carrying it (antd wrappers). */
function inputByTestId(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

async function login(page: Page, phone: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await inputByTestId(page, 'login-phone').fill(phone);
  await inputByTestId(page, 'login-password').fill(password);
  await page.getByTestId('login-submit').click();
  const error = page.getByTestId('login-error');
  await page.getByTestId('logout').or(error).first().waitFor({ state: 'visible' });
  if (await error.isVisible()) {
    throw new AssertionError(`sign-in as ${phone} failed: ${(await error.innerText()).trim()}`);
  }
}

async function navTo(page: Page, key: 'map' | 'facilities' | 'profile' | 'audit'): Promise<void> {
  await page.getByTestId(`nav-${key}`).click();
  await page.waitForURL((url) => url.pathname === `/${key}`);
}

interface FetchResult {
  status: number;
  body: string;
}

/** fetch() from inside the page, so the session cookie and same-origin headers are the app's own. */
async function pageFetch(
  page: Page,
  url: string,
  init?: { method: string; json: unknown },
): Promise<FetchResult> {
  return page.evaluate(
    async ({ url: target, init: request }) => {
      const response = await fetch(
        target,
        request
          ? {
              method: request.method,
              headers: { 'content-type': 'application/json', accept: 'application/json' },
              body: JSON.stringify(request.json),
            }
          : { headers: { accept: 'application/json' } },
      );
      return { status: response.status, body: await response.text() };
    },
    { url, init },
  );
}

function parseJson<T>(result: FetchResult, what: string): T {
  try {
    return JSON.parse(result.body) as T;
  } catch {
    throw new AssertionError(`${what}: response is not JSON: ${result.body.slice(0, 200)}`);
  }
}

function tableRows(page: Page, tableTestId: string) {
  return page.locator(`[data-testid="${tableTestId}"] .ant-table-tbody tr.ant-table-row`);
}

/** Waits until the antd table has finished loading (no spinner) and returns its row count. */
async function settledRowCount(
  page: Page,
  tableTestId: string,
  accept: (rows: number) => boolean,
  what: string,
) {
  return eventually(
    what,
    async () => {
      const loading = await page.locator(`[data-testid="${tableTestId}"] .ant-spin-spinning`).count();
      if (loading > 0) return -1;
      return tableRows(page, tableTestId).count();
    },
    (rows) => rows >= 0 && accept(rows),
  );
}

async function columnTexts(page: Page, tableTestId: string, column: number): Promise<string[]> {
  const texts = await tableRows(page, tableTestId).locator(`td:nth-child(${column})`).allInnerTexts();
  return texts.map((text) => text.trim());
}

/** Font size in px of the element carrying the test id (computed style). */
async function fontSizeOf(page: Page, selector: string): Promise<number> {
  const size = await page
    .locator(selector)
    .first()
    .evaluate((element) => {
      const view = (element as { ownerDocument: { defaultView: BrowserWindow } }).ownerDocument.defaultView;
      return view.getComputedStyle(element).fontSize;
    });
  return Number.parseFloat(size);
}

/** The few browser globals used inside page functions (the e2e project compiles without the DOM lib). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { fontSize: string };
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

interface CanvasSample {
  /** Distinct opaque colours in a sample of the pixels (a blank canvas has 0 or 1). */
  colours: number;
  /** Hash of every pixel: equal on consecutive reads once animations have finished. */
  hash: number;
}

async function sampleCanvas(page: Page): Promise<CanvasSample> {
  return page
    .locator('[data-testid="map-chart"] canvas')
    .first()
    .evaluate((element) => {
      const canvas = element as CanvasLike;
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) return { colours: 0, hash: 0 };
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      let hash = 0;
      for (let i = 0; i + 3 < data.length; i += 4) {
        const rgb = ((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
        hash = (Math.imul(hash, 31) + rgb + (data[i + 3] ?? 0)) | 0;
        if (i % (4 * 97) === 0 && (data[i + 3] ?? 0) > 0) colours.add(rgb);
      }
      return { colours: colours.size, hash };
    });
}

async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** Waits for the ECharts canvas to show the grids and facilities, and for its animations to finish. */
async function mapDrawn(page: Page): Promise<void> {
  await page.locator('[data-testid="map-chart"] canvas').first().waitFor({ state: 'attached' });
  // The totals show "…" for the facilities until they are loaded (and handed to the chart).
  await eventually(
    'map totals include the facility count',
    () => page.getByTestId('map-totals').innerText(),
    (text) => !text.includes('…'),
  );
  await eventually(
    'map canvas shows drawn grids',
    () => sampleCanvas(page),
    (sample) => sample.colours >= 5,
  );
  let previous = -1;
  let unchanged = 0;
  await eventually(
    'map canvas stops changing (animations done)',
    async () => {
      await sleep(250);
      const { hash } = await sampleCanvas(page);
      unchanged = hash === previous ? unchanged + 1 : 0;
      previous = hash;
      return unchanged;
    },
    (count) => count >= 2,
  );
}

// ---------------------------------------------------------------- scenarios

const screenshotsTaken = new Map<string, string>();

const scenarios: Scenario[] = [
  {
    name: '1 tenant admin: shell navigation, ECharts map and the 10 communities',
    async run({ page, screenshot }) {
      await page.goto('/login');
      await page.getByTestId('login-form').waitFor();
      expect.includes(await page.title(), '登录', 'login page title');
      await screenshot('login');
      await login(page, ACCOUNTS.tenantAdmin);
      await page.waitForURL((url) => url.pathname === '/map');
      for (const key of ['map', 'facilities', 'profile', 'audit']) {
        expect.ok(await page.getByTestId(`nav-${key}`).isVisible(), `nav-${key} is visible for tenant_admin`);
      }
      expect.equal((await page.getByTestId('nav-map').innerText()).trim(), '地图', 'map nav label (zh)');
      await mapDrawn(page);
      const communities = page.locator('[data-testid="community-list"] button[data-testid^="community-"]');
      await eventually(
        'community side panel lists 10 communities',
        () => communities.count(),
        (n) => n === 10,
      );
      expect.includes(await communities.first().innerText(), '社区', 'community names are Chinese');
      const totals = await page.getByTestId('map-totals').innerText();
      expect.includes(totals, '10 个社区', 'map totals');
      await eventually(
        'map totals include the facility count',
        () => page.getByTestId('map-totals').innerText(),
        (text) => /\d+ 个设施/.test(text),
      );
      await screenshot('map-zh');
    },
  },
  {
    name: '2 facilities: rows, search, type filter, pagination, Excel export',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      await navTo(page, 'facilities');
      const allRows = await settledRowCount(
        page,
        'facilities-table',
        (n) => n > 0,
        'facilities table shows rows',
      );
      expect.atLeast(allRows, 10, 'rows on the first page');
      const pagination = page.locator('[data-testid="facilities-table"] .ant-pagination');
      expect.ok(await pagination.isVisible(), 'pagination is shown');
      const totalText = await pagination.locator('.ant-pagination-total-text').innerText();
      const total = Number(/(\d+)/.exec(totalText)?.[1] ?? 'NaN');
      expect.ok(total > allRows, `more facilities (${totalText}) than one page (${allRows})`);
      expect.ok(await pagination.locator('.ant-pagination-item-2').isVisible(), 'a second page exists');

      // Page 2 shows other facilities.
      const firstPageNames = await columnTexts(page, 'facilities-table', 1);
      await pagination.locator('.ant-pagination-item-2').click();
      await page.waitForURL((url) => url.searchParams.get('page') === '2');
      await eventually(
        'page 2 shows different facilities',
        async () => (await columnTexts(page, 'facilities-table', 1))[0] ?? '',
        (name) => name !== '' && !firstPageNames.includes(name),
      );

      // Search 书房 → the five 西湖书房 study rooms.
      const search = inputByTestId(page, 'facilities-search');
      await search.fill('书房');
      await search.press('Enter');
      await page.waitForURL((url) => url.searchParams.get('q') === '书房');
      await settledRowCount(page, 'facilities-table', (n) => n === 5, 'search 书房 shows 5 rows');
      const names = await columnTexts(page, 'facilities-table', 1);
      expect.ok(
        names.every((name) => name.startsWith('西湖书房·')),
        `every result is a 西湖书房 study room: ${names.join(', ')}`,
      );

      // Type filter: 老年食堂 (with the search cleared).
      await page.goto('/facilities');
      await settledRowCount(page, 'facilities-table', (n) => n > 5, 'unfiltered table again');
      await page.getByTestId('filter-type').click();
      const option = page.locator('.ant-select-dropdown:visible .ant-select-item-option', {
        hasText: '老年食堂',
      });
      await option.first().click();
      await page.waitForURL((url) => url.searchParams.get('type') === 'elderly_canteen');
      const canteens = await settledRowCount(
        page,
        'facilities-table',
        (n) => n > 0 && n < allRows,
        'type filter narrows the table',
      );
      const types = await columnTexts(page, 'facilities-table', 2);
      expect.ok(
        types.every((type) => type === '老年食堂'),
        `type filter shows only 老年食堂 (${canteens} rows): ${types.join(', ')}`,
      );
      await screenshot('facilities');

      // Export (of the whole list).
      await page.goto('/facilities');
      await settledRowCount(page, 'facilities-table', (n) => n > 5, 'unfiltered table before export');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 30_000 }),
        page.getByTestId('export-xlsx').click(),
      ]);
      const suggested = download.suggestedFilename();
      expect.ok(
        suggested.toLowerCase().endsWith('.xlsx'),
        `export file name ends with .xlsx: ${show(suggested)}`,
      );
      const saved = path.join(RESULTS, `export-${suggested.replace(/[^\w.\-\u4e00-\u9fff]+/g, '_')}`);
      await download.saveAs(saved);
      const bytes = fs.readFileSync(saved);
      expect.atLeast(bytes.length, 1000, 'export size in bytes');
      expect.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'export starts with the ZIP magic');
    },
  },
  {
    name: '3 language switch: English texts and <html lang>, then back to Chinese',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      await page.waitForURL((url) => url.pathname === '/map');
      expect.equal(await htmlLang(page), 'zh-CN', '<html lang> before');
      expect.equal(
        (await page.getByTestId('lang-switch').innerText()).trim(),
        'English',
        'switch offers English',
      );
      await page.getByTestId('lang-switch').click();
      await eventually(
        '<html lang> becomes en',
        () => htmlLang(page),
        (lang) => lang === 'en',
      );
      const labels = {
        map: 'Map',
        facilities: 'Facilities',
        profile: 'My account',
        audit: 'Access audit',
      } as const;
      for (const [key, label] of Object.entries(labels)) {
        expect.equal(
          (await page.getByTestId(`nav-${key}`).innerText()).trim(),
          label,
          `nav-${key} label (en)`,
        );
      }
      expect.includes(await page.getByTestId('logout').innerText(), 'Sign out', 'logout button (en)');
      expect.equal((await page.getByTestId('lang-switch').innerText()).trim(), '中文', 'switch offers 中文');
      await eventually(
        'map totals in English',
        () => page.getByTestId('map-totals').innerText(),
        (text) => text.includes('communities'),
      );
      await mapDrawn(page);
      await screenshot('map-en');

      // The choice is remembered across a reload.
      await page.reload();
      await page.getByTestId('nav-map').waitFor();
      expect.equal(await htmlLang(page), 'en', '<html lang> after reload');
      expect.equal((await page.getByTestId('nav-map').innerText()).trim(), 'Map', 'nav label after reload');

      await page.getByTestId('lang-switch').click();
      await eventually(
        '<html lang> back to zh-CN',
        () => htmlLang(page),
        (lang) => lang === 'zh-CN',
      );
      expect.equal(
        (await page.getByTestId('nav-map').innerText()).trim(),
        '地图',
        'nav label back in Chinese',
      );
      expect.includes(await page.getByTestId('logout').innerText(), '退出登录', 'logout button (zh)');
    },
  },
  {
    name: '4 elder mode: larger type (≥ 20px), remembered after reload',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      await navTo(page, 'facilities');
      await settledRowCount(page, 'facilities-table', (n) => n > 0, 'facilities table shows rows');
      const navBefore = await fontSizeOf(page, '[data-testid="nav-facilities"]');
      const baseBefore = await fontSizeOf(page, '.app-root');
      const switchControl = page.getByTestId('elder-switch');
      expect.equal(await switchControl.getAttribute('aria-checked'), 'false', 'elder switch starts off');
      await switchControl.click();
      await eventually(
        'elder switch is on',
        () => switchControl.getAttribute('aria-checked'),
        (v) => v === 'true',
      );
      expect.equal(await page.locator('html').getAttribute('data-elder'), 'on', '<html data-elder>');
      const navAfter = await eventually(
        'nav font size grows to ≥ 20px',
        () => fontSizeOf(page, '[data-testid="nav-facilities"]'),
        (size) => size >= 20,
      );
      const baseAfter = await fontSizeOf(page, '.app-root');
      expect.ok(navAfter > navBefore, `nav font grows (${navBefore}px → ${navAfter}px)`);
      expect.ok(baseAfter > baseBefore, `base font grows (${baseBefore}px → ${baseAfter}px)`);
      expect.atLeast(baseAfter, 20, 'base font size in elder mode (px)');
      await settledRowCount(page, 'facilities-table', (n) => n > 0, 'facilities table in elder mode');
      await screenshot('facilities-elder');

      await page.reload();
      await page.getByTestId('nav-facilities').waitFor();
      expect.equal(
        await page.getByTestId('elder-switch').getAttribute('aria-checked'),
        'true',
        'still on after reload',
      );
      expect.atLeast(await fontSizeOf(page, '.app-root'), 20, 'base font size after reload (px)');
      expect.atLeast(
        await fontSizeOf(page, '[data-testid="nav-facilities"]'),
        20,
        'nav font size after reload (px)',
      );
    },
  },
  {
    name: '5 grid worker: no audit menu, /audit is forbidden',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.gridWorker);
      await page.getByTestId('nav-map').waitFor();
      expect.ok(await page.getByTestId('nav-profile').isVisible(), 'nav-profile is visible');
      expect.equal(await page.getByTestId('nav-audit').count(), 0, 'nav-audit items for grid_worker');
      await page.goto('/audit');
      await page.getByTestId('forbidden').waitFor({ state: 'visible' });
      expect.includes(await page.getByTestId('forbidden').innerText(), '无权访问', 'forbidden result title');
      expect.equal(await page.locator('.ant-result-403').count(), 1, '403 result');
      expect.equal(await page.getByTestId('audit-table').count(), 0, 'audit table rendered');
      // The API agrees with the UI.
      const api = await pageFetch(page, '/api/identity/access-audit');
      expect.equal(api.status, 403, 'GET /api/identity/access-audit as grid_worker');
      await screenshot('forbidden');
    },
  },
  {
    name: '6 resident profile: masked phone, verified, consent granted and withdrawn',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.resident);
      await navTo(page, 'profile');
      const details = page.getByTestId('profile-details');
      await details.waitFor();
      expect.includes(await details.innerText(), '139****0001', 'masked phone');
      expect.ok(!(await details.innerText()).includes('13900000001'), 'full phone number is not shown');
      expect.equal(
        (await page.getByTestId('realname-status').innerText()).trim(),
        '已实名',
        'real-name status',
      );

      // The UI lists and withdraws consents but has no "grant" control: grant one through the API.
      const granted = await pageFetch(page, '/api/identity/me/consents', {
        method: 'POST',
        json: { purpose: 'service_delivery', scope: ['phone', 'address'], policyVersion: 'e2e-1' },
      });
      expect.equal(granted.status, 201, `POST /api/identity/me/consents (${granted.body.slice(0, 200)})`);
      await page.reload();
      await settledRowCount(page, 'consents-table', (n) => n === 1, 'the granted consent is listed');
      const row = tableRows(page, 'consents-table').first();
      expect.includes(await row.innerText(), '服务办理', 'consent purpose');
      expect.includes(await row.innerText(), '有效', 'consent state');
      await row.getByTestId('consent-withdraw').click();
      await page.getByTestId('consent-withdraw-confirm').click();
      await eventually(
        'consent shows as withdrawn',
        () => tableRows(page, 'consents-table').first().innerText(),
        (text) => text.includes('已撤回'),
      );
      expect.equal(await page.getByTestId('consent-withdraw').count(), 0, 'withdraw buttons left');
      const listed = parseJson<Array<{ withdrawnAt: string | null }>>(
        await pageFetch(page, '/api/identity/me/consents'),
        'consents',
      );
      expect.ok(listed.length === 1 && listed[0]?.withdrawnAt, 'API reports the consent withdrawn');
      await screenshot('profile');
    },
  },
  {
    name: '7 access audit: an unmasked read appears in the audit log',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      const people = parseJson<{ items: Array<{ id: string; name: string; phoneMasked: string | null }> }>(
        await pageFetch(page, '/api/identity/people?pageSize=50'),
        'people list',
      );
      expect.atLeast(people.items.length, 1, 'people listed');
      const subject = people.items.find((person) => person.phoneMasked === '139****0001') ?? people.items[0];
      expect.ok(subject, 'a person to reveal');
      const reveal = await pageFetch(
        page,
        `/api/identity/people/${encodeURIComponent(subject.id)}?reveal=phone&purpose=e2e-check`,
      );
      expect.equal(reveal.status, 200, `reveal phone of ${subject.name} (${reveal.body.slice(0, 200)})`);
      const person = parseJson<{ phone?: string }>(reveal, 'person');
      expect.ok(
        person.phone && /^\d{11}$/.test(person.phone),
        `unmasked phone returned: ${show(person.phone)}`,
      );

      await navTo(page, 'audit');
      await settledRowCount(page, 'audit-table', (n) => n > 0, 'audit table shows entries');
      const entry = tableRows(page, 'audit-table').filter({ hasText: 'e2e-check' });
      await eventually(
        'audit entry with purpose e2e-check',
        () => entry.count(),
        (n) => n >= 1,
      );
      const text = await entry.first().innerText();
      expect.includes(text, subject.name, 'audit entry subject');
      expect.includes(text, '林卫东', 'audit entry actor');
      expect.includes(text, '手机号', 'audit entry field');
      await screenshot('audit');
    },
  },
  {
    name: '8 wrong password shows an error on the login page',
    async run({ page, screenshot }) {
      await page.goto('/login');
      await inputByTestId(page, 'login-phone').fill(ACCOUNTS.resident);
      await inputByTestId(page, 'login-password').fill('not-the-password');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.waitFor({ state: 'visible' });
      const message = (await error.innerText()).trim();
      expect.ok(message.length > 0, 'error message has text');
      // The UI is in Chinese, so is the message (the server words `detail` in English).
      expect.ok(/[\u4e00-\u9fff]/.test(message), `error message is in Chinese: ${show(message)}`);
      expect.equal(new URL(page.url()).pathname, '/login', 'still on the login page');
      expect.equal(await page.getByTestId('logout').count(), 0, 'not signed in');
      await screenshot('login-error');
    },
  },
  {
    name: '9 logout returns to the login page and ends the session',
    async run({ page }) {
      await login(page, ACCOUNTS.tenantAdmin);
      // Let the landing page finish its requests first: calls still in flight when the session ends
      // come back 401 (and Chromium logs those as console errors).
      await page.getByTestId('map-totals').waitFor();
      await mapDrawn(page);
      await page.getByTestId('logout').click();
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByTestId('login-form').waitFor();
      const me = await pageFetch(page, '/api/auth/me');
      expect.equal(me.status, 401, 'GET /api/auth/me after logout');
      await page.goto('/facilities');
      await page.waitForURL((url) => url.pathname === '/login');
      await page.getByTestId('login-form').waitFor();
    },
  },
];

function consoleScenario(env: Env): Scenario {
  return {
    name: '10 no console errors or uncaught exceptions in any scenario',
    async run() {
      if (env.consoleProblems.length === 0) return;
      const lines = env.consoleProblems
        .slice(0, 10)
        .map(
          (problem) =>
            `[${problem.scenario.split(' ')[0]}] ${problem.text} ${problem.url ? `(${problem.url})` : ''}`,
        );
      throw new AssertionError(`${env.consoleProblems.length} console error(s): ${lines.join(' ; ')}`);
    },
  };
}

// ---------------------------------------------------------------- runner

interface TestResult {
  name: string;
  status: 'passed' | 'failed';
  error?: string;
  durationMs: number;
}

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

async function runScenario(env: Env, scenario: Scenario, index: number): Promise<TestResult> {
  const started = Date.now();
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    viewport: VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  watchPage(env, scenario.name, page);
  const prefix = String(index + 1).padStart(2, '0');
  const screenshot = async (name: string) => {
    const file = path.join(RESULTS, `${prefix}-${name}.png`);
    // Spinners gone, and CSS transitions (antd fade-outs) fast-forwarded, so nothing is caught half-faded.
    await eventually(
      'page settles before the screenshot',
      () => page.locator('.ant-spin-spinning').count(),
      (n) => n === 0,
    );
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
    screenshotsTaken.set(name, file);
    return file;
  };
  try {
    await scenario.run({ env, context, page, screenshot });
    return { name: scenario.name, status: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    try {
      await page.screenshot({
        path: path.join(RESULTS, `FAILED-${prefix}-${slug(scenario.name)}.png`),
        fullPage: true,
      });
    } catch {
      // the page may be gone
    }
    return {
      name: scenario.name,
      status: 'failed',
      error: errorText(error),
      durationMs: Date.now() - started,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

function report(result: TestResult): void {
  if (result.status === 'passed') console.log(`✓ ${result.name}`);
  else console.log(`✗ ${result.name}: ${result.error ?? 'failed'}`);
}

function parseArgs(argv: string[]): { json: string | null } {
  let json: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') {
      const file = argv[i + 1];
      if (!file) throw new UsageError('--json needs a file name');
      json = path.resolve(file);
      i += 1;
    } else if (arg?.startsWith('--json=')) {
      json = path.resolve(arg.slice('--json='.length));
    } else if (arg === '--') {
      continue;
    } else {
      throw new UsageError(`unknown argument ${show(arg)} (usage: tsx e2e/run.ts [--json <file>])`);
    }
  }
  return { json };
}

function writeJson(file: string | null, results: TestResult[], durationMs: number): void {
  if (!file) return;
  const passed = results.filter((result) => result.status === 'passed').length;
  const body = {
    numPassedTests: passed,
    numFailedTests: results.length - passed,
    durationMs,
    tests: results.map((result) => ({
      name: result.name,
      status: result.status,
      ...(result.error !== undefined ? { error: result.error } : {}),
      durationMs: result.durationMs,
    })),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}

function prepareResults(): void {
  fs.mkdirSync(RESULTS, { recursive: true });
  for (const entry of fs.readdirSync(RESULTS)) {
    if (/\.(png|xlsx|log)$/.test(entry)) fs.rmSync(path.join(RESULTS, entry), { force: true });
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const { json } = parseArgs(process.argv.slice(2));
  const results: TestResult[] = [];
  const finish = (): number => {
    const passed = results.filter((result) => result.status === 'passed').length;
    const failed = results.length - passed;
    writeJson(json, results, Date.now() - started);
    console.log(`e2e: total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`e2e: ${passed} passed, ${failed} failed`);
    return failed > 0 ? 1 : 0;
  };
  const setupFailure = (message: string): number => {
    console.error(message);
    const result: TestResult = {
      name: 'setup',
      status: 'failed',
      error: message.split('\n')[0],
      durationMs: 0,
    };
    results.push(result);
    report(result);
    return finish();
  };

  const missing = [SERVER_CLI, WEB_INDEX].filter((file) => !fs.existsSync(file));
  if (missing.length > 0) {
    return setupFailure(
      `Missing build output: ${missing.map((file) => path.relative(ROOT, file)).join(', ')}. Run \`npm run build\` first.`,
    );
  }
  if (!fs.existsSync(CHROMIUM)) {
    return setupFailure(
      `Chromium not found at ${CHROMIUM}. Install it (Debian: \`apt-get install -y chromium fonts-noto-cjk\`) or set JIEDAO_E2E_CHROMIUM.`,
    );
  }
  prepareResults();

  let server: RunningServer | null = null;
  let browser: Browser | null = null;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => undefined);
    browser = null;
    if (server) await stopServer(server).catch(() => undefined);
    server = null;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\ne2e: ${signal}, stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    console.log('e2e: starting server (fresh database, demo data)…');
    try {
      server = await startServer();
    } catch (error) {
      return setupFailure(
        `Server failed to start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    console.log(
      `e2e: server ready at ${server.baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--font-render-hinting=none',
        ],
      });
    } catch (error) {
      return setupFailure(`Chromium failed to launch (${CHROMIUM}): ${errorText(error)}`);
    }

    const env: Env = { baseUrl: server.baseUrl, browser, consoleProblems: [], ignoredConsole: 0 };
    const all = [...scenarios, consoleScenario(env)];
    for (const [index, scenario] of all.entries()) {
      if (server.exited()) {
        results.push({
          name: scenario.name,
          status: 'failed',
          error: 'server is no longer running',
          durationMs: 0,
        });
      } else {
        results.push(await runScenario(env, scenario, index));
      }
      const result = results[results.length - 1];
      if (result) report(result);
    }

    const map = screenshotsTaken.get('map-zh');
    if (map) {
      fs.mkdirSync(path.dirname(README_SCREENSHOT), { recursive: true });
      fs.copyFileSync(map, README_SCREENSHOT);
    }
    const stopping = Date.now();
    await cleanup();
    console.log(`e2e: browser and server stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s`);
    if (results.some((result) => result.status === 'failed')) {
      console.log(`e2e: screenshots and server log in ${path.relative(ROOT, RESULTS)}/`);
    }
    return finish();
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error);
    console.log('e2e: 0 passed, 1 failed');
    process.exitCode = 1;
  },
);

/**
 * Shared pieces of the end-to-end run: assertions, polling, sign-in and page helpers. The runner and
 * the scenario files import from here (run.ts owns the server, the browser and the report).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, ConsoleMessage, Download, Locator, Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'e2e/results');

export const STEP_TIMEOUT_MS = 15_000;
export const VIEWPORT = { width: 1440, height: 900 } as const;
/** A common phone (iPhone 12–15 class) for the mobile pages. */
export const PHONE = { width: 390, height: 844 } as const;
/** The command center's wall display. */
export const WALL = { width: 1920, height: 1080 } as const;

export const PASSWORD = 'Jiedao@2026';
export const ACCOUNTS = {
  resident: '13900000001',
  gridWorker: '13900000002',
  dispatcher: '13900000003',
  departmentStaff: '13900000004',
  tenantAdmin: '13900000014',
  /** 零工市场 (the gig demo): the worker 吴小军, the employers 郑海 and 张国强 (老张装修队), the operator 周强. */
  gigWorker: '13900000009',
  gigEmployer: '13900000010',
  gigEmployerZhang: '13700010002',
  gigOperator: '13900000008',
} as const;

// ---------------------------------------------------------------- assertions

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value) ?? value);
}

export interface Expect {
  ok(condition: unknown, message: string): asserts condition;
  equal<T>(actual: T, expected: T, what: string): void;
  includes(haystack: string, needle: string, what: string): void;
  atLeast(actual: number, minimum: number, what: string): void;
}

export const expect: Expect = {
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
export async function eventually<T>(
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A sleep that does not keep the process alive (for timeouts raced against something else). */
export function graceTimer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n').slice(0, 6).join(' | ');
  return String(error);
}

// ---------------------------------------------------------------- browser helpers

export interface ConsoleProblem {
  scenario: string;
  text: string;
  url: string;
}

/** Browser noise that is not an application error. */
export function isExpectedConsoleError(message: ConsoleMessage): boolean {
  const text = message.text();
  const url = message.location().url;
  if (/favicon/i.test(url) && text.includes('404')) return true;
  if (!text.startsWith('Failed to load resource')) return false;
  // Chromium logs every non-2xx response as a console error. These ones are by design:
  // the signed-out session probe, the deliberate wrong password, the deliberate 403 probe, and the
  // gig worker's deliberate clock-in from too far away (422 clock_refused).
  if (text.includes('401') && /\/api\/auth\/(me|login)(\?|$)/.test(url)) return true;
  if (text.includes('403') && /\/api\/identity\/access-audit(\?|$)/.test(url)) return true;
  if (text.includes('422') && /\/api\/gig\/assignments\/[^/]+\/clock-in$/.test(url)) return true;
  return false;
}

export interface Env {
  baseUrl: string;
  browser: Browser;
  consoleProblems: ConsoleProblem[];
  ignoredConsole: number;
}

export interface Scenario {
  name: string;
  run: (t: ScenarioContext) => Promise<void>;
}

/** Another person in the same scenario (a resident reporting while the dispatcher watches the console). */
export interface ActorOptions {
  viewport?: { width: number; height: number };
  /** Phone emulation: touch, mobile viewport rules. */
  mobile?: boolean;
  /** Start with 长者模式 on (as if the person had switched it on earlier). */
  elder?: boolean;
  /** Let the page read this position (lng/lat) through navigator.geolocation. */
  geolocation?: { lng: number; lat: number };
}

export interface ShotOptions {
  /** The whole page (default) or what the screen shows now (a phone's first screen, a long list). */
  fullPage?: boolean;
}

export interface ScenarioContext {
  env: Env;
  context: BrowserContext;
  page: Page;
  /** Screenshot of `page` (default: the scenario's page) as e2e/results/NN-name.png. */
  screenshot: (name: string, page?: Page, options?: ShotOptions) => Promise<string>;
  /** Opens another browser context (its own cookies, viewport); closed with the scenario. */
  open: (options?: ActorOptions) => Promise<Page>;
}

export function watchPage(env: Env, scenario: string, page: Page): void {
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
export function inputByTestId(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

/** A <textarea> carrying the test id, or the one inside the element carrying it (antd TextArea with a counter). */
export function textareaByTestId(page: Page, testId: string) {
  return page.locator(`textarea[data-testid="${testId}"], [data-testid="${testId}"] textarea`).first();
}

/**
 * Picks an option of the antd Select carrying the test id, by its visible text, and checks that it
 * took: a click that lands while the dropdown is still animating in (inside a modal that is itself
 * zooming in, say) can be lost, so it is tried again.
 */
export async function chooseOption(page: Page, selectTestId: string, optionText: string): Promise<void> {
  const select = page.getByTestId(selectTestId);
  for (let attempt = 1; ; attempt += 1) {
    await select.click();
    const option = page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: optionText })
      .first();
    await option.waitFor({ state: 'visible' });
    await sleep(150);
    await option.click();
    const chosen = await eventually(
      `${selectTestId} shows ${optionText}`,
      async () => (await select.innerText()).includes(optionText),
      (value) => value,
      2_000,
    ).catch(() => false);
    if (chosen) return;
    if (attempt >= 3) throw new AssertionError(`could not choose ${show(optionText)} in ${selectTestId}`);
    await page.keyboard.press('Escape');
  }
}

export async function login(page: Page, phone: string, password = PASSWORD): Promise<void> {
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

const NAV_PATHS = {
  console: '/console',
  screen: '/screen',
  tasks: '/tasks',
  map: '/map',
  facilities: '/facilities',
  report: '/report',
  myReports: '/my-reports',
  devices: '/devices',
  sources: '/sources',
  kpis: '/kpis',
  profile: '/profile',
  audit: '/audit',
} as const;
export type NavKey = keyof typeof NAV_PATHS;

export async function navTo(page: Page, key: NavKey): Promise<void> {
  await page.getByTestId(`nav-${key}`).click();
  await page.waitForURL((url) => url.pathname === NAV_PATHS[key]);
}

export interface FetchResult {
  status: number;
  body: string;
}

/** fetch() from inside the page, so the session cookie and same-origin headers are the app's own. */
export async function pageFetch(
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

export function parseJson<T>(result: FetchResult, what: string): T {
  try {
    return JSON.parse(result.body) as T;
  } catch {
    throw new AssertionError(`${what}: response is not JSON: ${result.body.slice(0, 200)}`);
  }
}

export function tableRows(page: Page, tableTestId: string) {
  return page.locator(`[data-testid="${tableTestId}"] .ant-table-tbody tr.ant-table-row`);
}

/** Waits until the antd table has finished loading (no spinner) and returns its row count. */
export async function settledRowCount(
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

export async function columnTexts(page: Page, tableTestId: string, column: number): Promise<string[]> {
  const texts = await tableRows(page, tableTestId).locator(`td:nth-child(${column})`).allInnerTexts();
  return texts.map((text) => text.trim());
}

/** Font size in px of the element carrying the test id (computed style). */
export async function fontSizeOf(page: Page, selector: string): Promise<number> {
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
export interface BrowserWindow {
  getComputedStyle(element: unknown): { fontSize: string };
}
export interface CanvasLike {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

export interface CanvasSample {
  /** Distinct opaque colours in a sample of the pixels (a blank canvas has 0 or 1). */
  colours: number;
  /** Hash of every pixel: equal on consecutive reads once animations have finished. */
  hash: number;
}

export async function sampleCanvas(page: Page, chart = 'map-chart'): Promise<CanvasSample> {
  return page
    .locator(`[data-testid="${chart}"] canvas`)
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

export async function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** Waits for the ECharts canvas to show the grids and facilities, and for its animations to finish. */
export async function mapDrawn(page: Page): Promise<void> {
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

/** Scrolls the element to the top of the viewport (for a phone screenshot of what matters). */
export async function scrollToTop(element: Locator): Promise<void> {
  await element.evaluate((node: { scrollIntoView(options: { block: 'start' }): void }) => {
    node.scrollIntoView({ block: 'start' });
  });
}

/**
 * Saves an Excel download to e2e/results/export-<name> and checks it is one: an .xlsx name, at least
 * 1,000 bytes, the ZIP magic. Returns where it was saved and its bytes.
 */
export async function saveXlsxDownload(download: Download): Promise<{ path: string; bytes: Buffer }> {
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
  return { path: saved, bytes };
}

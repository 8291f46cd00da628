/**
 * End-to-end run: starts the built server on a fresh embedded database, drives the built web app in
 * headless Chromium and checks the main journeys.
 *
 *   npm run build && npm run e2e            (or: npx tsx e2e/run.ts [--json report.json] [--grep regexp])
 *
 * `--grep` runs only the scenarios whose name matches the regular expression, e.g. `--grep '^1[0-8] '`
 * (and the console-error check).
 * Scenarios live here (platform), in governance.ts (the command center) and in gig.ts (the gig labour
 * market); helpers in harness.ts.
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
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { gigScenarios } from './gig.js';
import { governanceScenarios } from './governance.js';
import {
  ACCOUNTS,
  AssertionError,
  errorText,
  eventually,
  expect,
  fontSizeOf,
  graceTimer,
  htmlLang,
  inputByTestId,
  login,
  mapDrawn,
  navTo,
  pageFetch,
  parseJson,
  RESULTS,
  ROOT,
  saveXlsxDownload,
  settledRowCount,
  show,
  sleep,
  STEP_TIMEOUT_MS,
  tableRows,
  columnTexts,
  UsageError,
  VIEWPORT,
  watchPage,
  type ActorOptions,
  type Env,
  type Scenario,
  type ShotOptions,
} from './harness.js';

const SERVER_CLI = path.join(ROOT, 'apps/server/dist/cli.js');
const WEB_INDEX = path.join(ROOT, 'apps/web/dist/index.html');
const README_SCREENSHOT = path.join(ROOT, 'docs/screenshots/map.png');
const CHROMIUM = process.env.JIEDAO_E2E_CHROMIUM ?? '/usr/bin/chromium';

// Loading the demo (a month of cases, 17,000 devices) takes about a minute on two cores; more under load.
const READY_TIMEOUT_MS = 240_000;

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
      // The administrator runs the command center: the console is the landing page.
      await page.waitForURL((url) => url.pathname === '/console');
      await navTo(page, 'map');
      for (const key of [
        'console',
        'screen',
        'map',
        'facilities',
        'devices',
        'sources',
        'kpis',
        'profile',
        'audit',
      ]) {
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
      await saveXlsxDownload(download);
    },
  },
  {
    name: '3 language switch: English texts and <html lang>, then back to Chinese',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      await page.waitForURL((url) => url.pathname === '/console');
      await navTo(page, 'map');
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
        console: 'Dispatch console',
        map: 'Map',
        facilities: 'Facilities',
        kpis: 'Performance',
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
      // A click on the confirm button while the pop-over is still zooming in can be lost (seen on a
      // loaded machine): wait for it to settle, and confirm once more if the withdrawal did not start.
      const withdrawn = () =>
        eventually(
          'consent shows as withdrawn',
          () => tableRows(page, 'consents-table').first().innerText(),
          (text) => text.includes('已撤回'),
          5_000,
        );
      const confirm = page.getByTestId('consent-withdraw-confirm').first();
      for (let attempt = 1; ; attempt += 1) {
        if (!(await confirm.isVisible())) await row.getByTestId('consent-withdraw').click();
        await confirm.waitFor({ state: 'visible' });
        await sleep(200);
        await confirm.click();
        const done = await withdrawn().then(
          () => true,
          () => false,
        );
        if (done) break;
        if (attempt >= 3) await withdrawn();
      }
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
      // Leave the live console (its stream) for the map, and let the map finish its requests first:
      // calls still in flight when the session ends come back 401 (Chromium logs those as errors).
      await page.waitForURL((url) => url.pathname === '/console');
      await navTo(page, 'map');
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

function consoleScenario(env: Env, number: number): Scenario {
  return {
    name: `${number} no console errors or uncaught exceptions in any scenario`,
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

async function newContext(env: Env, options: ActorOptions = {}): Promise<BrowserContext> {
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    viewport: options.viewport ?? VIEWPORT,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    ...(options.geolocation
      ? {
          geolocation: {
            longitude: options.geolocation.lng,
            latitude: options.geolocation.lat,
            accuracy: 20,
          },
          permissions: ['geolocation'],
        }
      : {}),
  });
  if (options.elder) {
    // As if the person had switched 长者模式 on before: the app reads it from localStorage at start.
    // A script string: this project compiles without the DOM library.
    await context.addInitScript("window.localStorage.setItem('jiedao.elderMode', 'on');");
  }
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(30_000);
  return context;
}

async function runScenario(env: Env, scenario: Scenario, index: number): Promise<TestResult> {
  const started = Date.now();
  const context = await newContext(env);
  const extra: BrowserContext[] = [];
  const page = await context.newPage();
  watchPage(env, scenario.name, page);
  // The scenario's own number, so a --grep run names its files as the full run does.
  const prefix = (/^\d+/.exec(scenario.name)?.[0] ?? String(index + 1)).padStart(2, '0');
  const screenshot = async (name: string, target: Page = page, options: ShotOptions = {}) => {
    const file = path.join(RESULTS, `${prefix}-${name}.png`);
    // Spinners gone, and CSS transitions (antd fade-outs) fast-forwarded, so nothing is caught half-faded.
    await eventually(
      'page settles before the screenshot',
      () => target.locator('.ant-spin-spinning').count(),
      (n) => n === 0,
    );
    await target.screenshot({
      path: file,
      fullPage: options.fullPage ?? true,
      animations: 'disabled',
      caret: 'hide',
    });
    screenshotsTaken.set(name, file);
    return file;
  };
  const open = async (options: ActorOptions = {}) => {
    const other = await newContext(env, options);
    extra.push(other);
    const otherPage = await other.newPage();
    watchPage(env, scenario.name, otherPage);
    return otherPage;
  };
  try {
    await scenario.run({ env, context, page, screenshot, open });
    return { name: scenario.name, status: 'passed', durationMs: Date.now() - started };
  } catch (error) {
    const pages = [context, ...extra].flatMap((candidate) => candidate.pages());
    for (const [n, failedPage] of pages.entries()) {
      try {
        await failedPage.screenshot({
          path: path.join(RESULTS, `FAILED-${prefix}-${slug(scenario.name)}${n > 0 ? `-${n}` : ''}.png`),
          fullPage: true,
        });
      } catch {
        // the page may be gone
      }
    }
    return {
      name: scenario.name,
      status: 'failed',
      error: errorText(error),
      durationMs: Date.now() - started,
    };
  } finally {
    for (const other of extra) await other.close().catch(() => undefined);
    await context.close().catch(() => undefined);
  }
}

function report(result: TestResult): void {
  if (result.status === 'passed') console.log(`✓ ${result.name}`);
  else console.log(`✗ ${result.name}: ${result.error ?? 'failed'}`);
}

function parseArgs(argv: string[]): { json: string | null; grep: string | null } {
  let json: string | null = null;
  let grep: string | null = null;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--json') {
      const file = argv[i + 1];
      if (!file) throw new UsageError('--json needs a file name');
      json = path.resolve(file);
      i += 1;
    } else if (arg?.startsWith('--json=')) {
      json = path.resolve(arg.slice('--json='.length));
    } else if (arg === '--grep') {
      const text = argv[i + 1];
      if (!text) throw new UsageError('--grep needs a text');
      grep = text;
      i += 1;
    } else if (arg === '--') {
      continue;
    } else {
      throw new UsageError(
        `unknown argument ${show(arg)} (usage: tsx e2e/run.ts [--json <file>] [--grep <regular expression on scenario names>])`,
      );
    }
  }
  return { json, grep };
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
  const { json, grep } = parseArgs(process.argv.slice(2));
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
    const pattern = grep === null ? null : new RegExp(grep, 'i');
    const selected = [...scenarios, ...governanceScenarios, ...gigScenarios].filter(
      (scenario) => pattern === null || pattern.test(scenario.name),
    );
    const all = [
      ...selected,
      consoleScenario(env, scenarios.length + governanceScenarios.length + gigScenarios.length + 1),
    ];
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

/**
 * End-to-end journeys of the command center (一体化指挥中心): a resident's report reaches the
 * dispatcher's console live and goes round the closed loop — dispatched to a unit, accepted and
 * handled on a phone, verified and closed in the console, rated by the resident — then the big
 * screen, the devices page with its Excel export and import, the sources and the KPIs.
 *
 * The loop scenarios run in order and hand the case on through `loop`; each later one fails with a
 * clear message if an earlier one did not get that far.
 */
import type { Page } from 'playwright-core';
import {
  ACCOUNTS,
  AssertionError,
  chooseOption,
  eventually,
  expect,
  fontSizeOf,
  inputByTestId,
  login,
  navTo,
  PHONE,
  pageFetch,
  parseJson,
  sampleCanvas,
  saveXlsxDownload,
  scrollToTop,
  settledRowCount,
  sleep,
  tableRows,
  textareaByTestId,
  WALL,
  type Scenario,
} from './harness.js';

/** The case the loop scenarios share. */
const loop: { caseId?: string; caseNumber?: string; unitName?: string } = {};

function loopCase(): { caseId: string; caseNumber: string } {
  if (!loop.caseId || !loop.caseNumber)
    throw new AssertionError('no case from the live-report scenario (it failed or did not run)');
  return { caseId: loop.caseId, caseNumber: loop.caseNumber };
}

interface Community {
  id: string;
  name: string;
  center: { lng: number; lat: number };
}

async function communities(page: Page): Promise<Community[]> {
  const list = parseJson<Community[]>(await pageFetch(page, '/api/places/communities'), 'communities');
  expect.atLeast(list.length, 1, 'communities');
  return [...list].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}

/** The stage shown in the console's detail panel. */
function panelStage(page: Page): Promise<string | null> {
  return page
    .locator('[data-testid="case-detail"] [data-testid="stage-tag"]')
    .first()
    .getAttribute('data-stage');
}

async function waitForPanelStage(page: Page, stage: string): Promise<void> {
  await eventually(
    `the case panel shows stage ${stage}`,
    () => panelStage(page),
    (value) => value === stage,
  );
}

/** A JPEG "site photo" drawn by the browser itself (no binary fixture in the repository). */
async function photo(page: Page, label: string): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const dataUrl = await page.evaluate<string>(`(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 800;
    canvas.height = 600;
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 600);
    sky.addColorStop(0, '#8fb8de');
    sky.addColorStop(1, '#dfe9f3');
    g.fillStyle = sky;
    g.fillRect(0, 0, 800, 600);
    g.fillStyle = '#7a8590';
    g.fillRect(0, 380, 800, 220);
    g.fillStyle = '#c8a165';
    for (let i = 0; i < 6; i += 1) g.fillRect(120 + i * 90, 300 - (i % 3) * 30, 80, 80 + (i % 3) * 30);
    g.fillStyle = '#1f2937';
    g.font = 'bold 36px sans-serif';
    g.fillText(${JSON.stringify(label)}, 40, 60);
    return canvas.toDataURL('image/jpeg', 0.85);
  })()`);
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return { name: 'site.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(base64, 'base64') };
}

async function canvasDrawn(page: Page, chart: string, what: string): Promise<void> {
  await page.locator(`[data-testid="${chart}"] canvas`).first().waitFor({ state: 'attached' });
  await eventually(
    what,
    () => sampleCanvas(page, chart),
    (sample) => sample.colours >= 4,
  );
}

export const governanceScenarios: Scenario[] = [
  {
    name: '10 dispatcher console: a resident’s report arrives live and is dispatched to a unit',
    async run({ page, screenshot, open }) {
      await login(page, ACCOUNTS.dispatcher);
      await page.waitForURL((url) => url.pathname === '/console');
      await settledRowCount(page, 'case-queue', (n) => n > 0, 'the queue lists the demo cases');
      await eventually(
        'the console is connected to the live stream',
        () => page.getByTestId('stream-status').getAttribute('data-status'),
        (status) => status === 'live',
      );

      // The resident reports through the API while the console is open.
      const resident = await open();
      await login(resident, ACCOUNTS.resident);
      const [community] = await communities(resident);
      expect.ok(community, 'a community to report in');
      const description = `E2E 楼道里堆满了纸箱和旧家具，挡住了消防通道（${Date.now()}）`;
      const posted = await pageFetch(resident, '/api/governance/reports', {
        method: 'POST',
        json: {
          category: 'sanitation',
          description,
          location: community.center,
          address: `${community.name} 5 幢 2 单元楼道`,
        },
      });
      const postedAt = Date.now();
      expect.equal(posted.status, 201, `POST /api/governance/reports (${posted.body.slice(0, 300)})`);
      const accepted = parseJson<{ caseId: string; caseNumber: string; stage: string }>(posted, 'report');
      loop.caseId = accepted.caseId;
      loop.caseNumber = accepted.caseNumber;

      // It appears in the queue without a reload, marked as new.
      const row = page.locator(`tr[data-case-number="${accepted.caseNumber}"]`);
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      const arrivalMs = Date.now() - postedAt;
      console.log(`    live arrival of ${accepted.caseNumber} in the console: ${arrivalMs} ms`);
      expect.ok(arrivalMs < 5_000, `the report reached the console within 5 s (${arrivalMs} ms)`);
      expect.equal(await row.getByTestId('case-new').count(), 1, 'the new row is marked 新');
      await screenshot('console-live');

      // Open it, accept it, and dispatch it to the 城管 unit with instructions.
      await row.getByTestId('case-open').click();
      const panel = page.getByTestId('case-detail');
      await panel.waitFor();
      await eventually(
        'the panel shows the new case',
        () => panel.getAttribute('data-case-id'),
        (id) => id === accepted.caseId,
      );
      expect.includes(await panel.innerText(), description.slice(0, 12), 'the panel shows the description');
      await waitForPanelStage(page, 'intake');
      await panel.getByTestId('move-accept').click();
      await waitForPanelStage(page, 'triage');

      await panel.getByTestId('move-dispatch').click();
      const dialog = page.getByTestId('dispatch-form');
      await dialog.waitFor();
      await chooseOption(page, 'dispatch-target-0', '古荡城管中队');
      loop.unitName = '古荡城管中队';
      await textareaByTestId(page, 'dispatch-instructions-0').fill(
        '请 30 分钟内到场清理楼道杂物，拍照反馈。',
      );
      await page.getByTestId('dispatch-submit').click();
      await dialog.waitFor({ state: 'detached' });
      await waitForPanelStage(page, 'dispatch');
      await panel.getByRole('tab', { name: /处置任务/ }).click();
      const task = panel.getByTestId('case-task').first();
      await task.waitFor();
      expect.includes(await task.innerText(), '古荡城管中队', 'the task went to 古荡城管中队');
      expect.equal(await task.getAttribute('data-state'), 'pending', 'the new task waits for the unit');
      await screenshot('console-dispatched');
    },
  },
  {
    name: '11 department staff (phone): accepts the task, adds a site photo and submits the result',
    async run({ open, screenshot }) {
      const { caseId, caseNumber } = loopCase();
      const phone = await open({ viewport: PHONE, mobile: true });
      await login(phone, ACCOUNTS.departmentStaff);
      await phone.waitForURL((url) => url.pathname === '/tasks');
      const item = phone.locator(`[data-testid="task-item"][data-case-number="${caseNumber}"]`);
      await item.waitFor();
      await screenshot('tasks-mobile', phone, { fullPage: false });
      await item.click();
      await phone.waitForURL((url) => url.pathname === `/tasks/${caseId}`);
      const state = phone.getByTestId('my-task-state');
      await eventually(
        'my task is waiting',
        () => state.getAttribute('data-state'),
        (value) => value === 'pending',
      );
      expect.includes(
        await phone.getByTestId('my-task').innerText(),
        '30 分钟内到场',
        'the instructions are shown',
      );

      await phone.getByTestId('task-accept').click();
      await eventually(
        'my task is accepted',
        () => state.getAttribute('data-state'),
        (value) => value === 'accepted',
      );

      await phone.getByTestId('task-photo-input').setInputFiles(await photo(phone, '楼道已清理'));
      await phone.getByTestId('task-photo-thumb').first().waitFor();
      await textareaByTestId(phone, 'task-result').fill(
        '已到场，楼道纸箱和旧家具已全部清运，消防通道恢复畅通。',
      );
      await screenshot('task-handle-mobile', phone);
      await phone.getByTestId('task-complete').click();
      await eventually(
        'my task is done',
        () => state.getAttribute('data-state'),
        (value) => value === 'done',
      );
      const detail = parseJson<{ stage: string; tasks: { state: string; photos: string[] }[] }>(
        await pageFetch(phone, `/api/governance/cases/${caseId}`),
        'case detail',
      );
      expect.equal(detail.stage, 'feedback', 'the case moves to 反馈 once every task is done');
      expect.equal(detail.tasks[0]?.photos.length, 1, 'the task carries the uploaded photo');
      await screenshot('task-done-mobile', phone);
    },
  },
  {
    name: '12 dispatcher verifies the result and closes the case',
    async run({ page, screenshot }) {
      const { caseId } = loopCase();
      await login(page, ACCOUNTS.dispatcher);
      await page.goto(`/console?stage=all&case=${caseId}`);
      const panel = page.getByTestId('case-detail');
      await panel.waitFor();
      await waitForPanelStage(page, 'feedback');
      await panel.getByRole('tab', { name: /处置任务/ }).click();
      expect.includes(
        await panel.getByTestId('case-task').first().innerText(),
        '消防通道恢复畅通',
        'the result is shown',
      );
      expect.atLeast(
        await panel.locator('[data-testid="case-task"] img').count(),
        1,
        'the site photo is shown',
      );
      await panel.getByTestId('move-verify').click();
      await waitForPanelStage(page, 'verify');
      await panel.getByTestId('move-close').click();
      await waitForPanelStage(page, 'evaluation');
      await panel.getByRole('tab', { name: /流转记录/ }).click();
      await panel.getByTestId('case-timeline').waitFor();
      await screenshot('console-closed');
    },
  },
  {
    name: '13 resident (phone, elder mode): follows the report and rates it',
    async run({ open, screenshot }) {
      const { caseNumber } = loopCase();
      const phone = await open({ viewport: PHONE, mobile: true, elder: true });
      await login(phone, ACCOUNTS.resident);
      await phone.goto('/my-reports');
      const card = phone.locator(`[data-testid="my-report"][data-case-number="${caseNumber}"]`);
      await card.waitFor();
      expect.atLeast(await fontSizeOf(phone, '.app-root'), 20, 'base font size in elder mode (px)');
      const form = card.getByTestId('rate-form');
      await form.waitFor();
      await form.locator('.ant-rate-star').nth(4).click();
      await eventually(
        'the chosen stars are named',
        () => form.getByTestId('rate-word').innerText(),
        (text) => text.includes('非常满意'),
      );
      await textareaByTestId(phone, 'rate-comment').fill('处理很及时，谢谢网格员和城管的同志！');
      await scrollToTop(card);
      await screenshot('my-reports-rate-elder', phone, { fullPage: false });
      await form.getByTestId('rate-submit').click();
      await card.getByTestId('rate-thanks').waitFor();
      expect.includes(await card.getByTestId('my-report-rating').innerText(), '5', 'the rating is shown');
      const mine = parseJson<{ number: string; stage: string; rating: number | null; canRate: boolean }[]>(
        await pageFetch(phone, '/api/governance/my-reports'),
        'my reports',
      );
      const rated = mine.find((report) => report.number === caseNumber);
      expect.equal(rated?.rating, 5, 'the API has the rating');
      expect.equal(rated?.stage, 'closed', 'the case is closed after the rating');
      await scrollToTop(card);
      await screenshot('my-reports-elder', phone, { fullPage: false });
    },
  },
  {
    name: '14 resident (phone, elder mode): files a report with a photo on the report page',
    async run({ open, screenshot }) {
      const phone = await open({ viewport: PHONE, mobile: true, elder: true });
      await login(phone, ACCOUNTS.resident);
      await navTo(phone, 'report');
      await phone.getByTestId('report-form').waitFor();
      expect.atLeast(
        await fontSizeOf(phone, '[data-testid="report-category-noise"]'),
        20,
        'tile font size (px)',
      );
      await screenshot('report-elder', phone);
      await phone.getByTestId('report-category-noise').click();
      await textareaByTestId(phone, 'report-description').fill(
        '楼下商铺每天晚上十点以后还在大声放音乐，影响休息。',
      );
      await phone.getByTestId('report-photo-input').setInputFiles(await photo(phone, '噪声'));
      await phone.getByTestId('report-photo-thumb').first().waitFor();
      const [community] = await communities(phone);
      expect.ok(community, 'a community to pick');
      await phone.locator('[data-testid^="report-community-"]', { hasText: community.name }).first().click();
      await phone.getByTestId('report-address').fill('3 幢楼下');
      await screenshot('report-filled-elder', phone);
      await phone.getByTestId('report-submit').click();
      const success = phone.getByTestId('report-success');
      await success.waitFor();
      const number = /编号\s*(\S+?)。/.exec(await success.innerText())?.[1];
      expect.ok(number, `the confirmation names the case number: ${await success.innerText()}`);
      await screenshot('report-sent-elder', phone);
      await phone.getByTestId('report-view-mine').click();
      await phone.locator(`[data-testid="my-report"][data-case-number="${number}"]`).waitFor();
    },
  },
  {
    name: '15 grid worker (phone): files a patrol report at the current position',
    async run({ page, open, screenshot }) {
      await login(page, ACCOUNTS.gridWorker);
      const [community] = await communities(page);
      expect.ok(community, 'a community to stand in');
      const phone = await open({ viewport: PHONE, mobile: true, geolocation: community.center });
      await login(phone, ACCOUNTS.gridWorker);
      await phone.waitForURL((url) => url.pathname === '/tasks');
      await phone.getByTestId('patrol-open').click();
      await phone.getByTestId('report-form').waitFor();
      await phone.getByTestId('report-category-safety_hazard').click();
      await textareaByTestId(phone, 'report-description').fill('小区东门消防栓被共享单车挡住，需要清理。');
      await phone.getByTestId('report-locate').click();
      await phone.getByTestId('report-located').waitFor();
      await screenshot('patrol-mobile', phone);
      await phone.getByTestId('report-submit').click();
      const done = phone.getByTestId('patrol-done');
      await done.waitFor();
      expect.includes(await done.innerText(), '已上报', 'the patrol report is confirmed');
    },
  },
  {
    name: '16 command-center screen (1920×1080): map with live incidents, devices, rates',
    async run({ open, screenshot }) {
      const wall = await open({ viewport: WALL });
      await login(wall, ACCOUNTS.dispatcher);
      await wall.goto('/screen');
      await wall.getByTestId('screen').waitFor();
      await canvasDrawn(wall, 'screen-map', 'the grid map is drawn');
      const incidents = Number(
        (await wall.getByTestId('screen-open-incidents').locator('.screen-figure-value').innerText()).trim(),
      );
      expect.atLeast(incidents, 1, 'open incidents on the screen');
      const overview = parseJson<{ openIncidents: unknown[]; devices: { total: number } }>(
        await pageFetch(wall, '/api/governance/overview'),
        'overview',
      );
      expect.atLeast(overview.devices.total, 1000, 'devices in the overview');
      expect.includes(
        await wall.getByTestId('screen-devices').innerText(),
        String(overview.devices.total),
        'device total',
      );
      expect.equal(await wall.locator('.shell-header').count(), 0, 'no app shell on the wall display');
      await eventually(
        'the screen is connected to the live stream',
        () => wall.getByTestId('stream-status').getAttribute('data-status'),
        (status) => status === 'live',
      );
      // Let the charts finish their entry animations.
      await sleep(1_500);
      await screenshot('screen', wall);
    },
  },
  {
    name: '17 devices: stats, filter, Excel export and an import with per-row errors',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.dispatcher);
      await navTo(page, 'devices');
      await settledRowCount(page, 'devices-table', (n) => n > 0, 'the devices table shows rows');
      await page.getByTestId('device-stats').waitFor();
      await chooseOption(page, 'filter-device-type', '烟感探测器');
      await page.waitForURL((url) => url.searchParams.get('type') === 'smoke');
      await eventually(
        'only smoke detectors are listed',
        async () => {
          if ((await page.locator('[data-testid="devices-table"] .ant-spin-spinning').count()) > 0) return [];
          return tableRows(page, 'devices-table').locator('td:nth-child(3)').allInnerTexts();
        },
        (types) => types.length > 0 && types.every((type) => type.trim() === '烟感探测器'),
      );
      await screenshot('devices', page, { fullPage: false });

      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('export-xlsx').click(),
      ]);
      await saveXlsxDownload(download);

      // An import with one good and one bad row: nothing is imported and the bad row is named.
      const [community] = await communities(page);
      expect.ok(community, 'a community for the device position');
      const csv = [
        '设备编号,类型,名称,经度,纬度,地址',
        `E2E-SMOKE-0001,smoke,E2E 烟感 1,${community.center.lng},${community.center.lat},${community.name} 1 幢`,
        `E2E-BAD-0002,toaster,E2E 坏类型,${community.center.lng},${community.center.lat},${community.name} 2 幢`,
      ].join('\n');
      await page.getByTestId('device-import').click();
      await page.getByTestId('import-input').setInputFiles({
        name: 'devices.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
      await page.getByTestId('import-failed').waitFor({ timeout: 30_000 });
      const errors = await page.getByTestId('import-errors').innerText();
      expect.includes(errors, '3', 'the error names row 3');
      expect.includes(errors, '“toaster”不是设备类型', 'the error is said in Chinese to a Chinese screen');
      expect.ok(
        !errors.includes('type'),
        'the column is named as the register names it (类型), not by its code',
      );
      await screenshot('devices-import-errors', page, { fullPage: false });
    },
  },
  {
    name: '18 sources, dead letters and KPIs (tenant admin)',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.tenantAdmin);
      await navTo(page, 'sources');
      await settledRowCount(page, 'sources-table', (n) => n > 0, 'sources are listed');
      await page.getByTestId('source-create').click();
      await inputByTestId(page, 'source-code').fill('e2e-hotline');
      await inputByTestId(page, 'source-name').fill('E2E 12345 热线');
      await chooseOption(page, 'source-channel', 'Webhook');
      await chooseOption(page, 'source-mapping', '12345');
      await page.getByTestId('source-submit').click();
      const secret = page.getByTestId('secret-value');
      await secret.waitFor();
      expect.atLeast((await secret.innerText()).trim().length, 16, 'the secret is shown once');
      await screenshot('sources-secret', page, { fullPage: false });
      await page.getByTestId('secret-done').click();
      await eventually(
        'the new source is listed',
        () => tableRows(page, 'sources-table').allInnerTexts(),
        (rows) => rows.some((text) => text.includes('e2e-hotline')),
      );
      await screenshot('sources');
      await page.getByRole('tab', { name: '死信' }).click();
      await page.getByTestId('dead-letters-table').waitFor();
      await screenshot('dead-letters');

      await navTo(page, 'kpis');
      await settledRowCount(page, 'kpi-table', (n) => n > 0, 'KPI rows');
      await screenshot('kpis');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('kpi-export').click(),
      ]);
      await saveXlsxDownload(download);
    },
  },
  {
    name: '19 dispatcher logs a phone call; the new case opens with the caller',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.dispatcher);
      await page.waitForURL((url) => url.pathname === '/console');
      await page.getByTestId('staff-entry').click();
      const form = page.getByTestId('report-form');
      await form.waitFor();
      await chooseOption(page, 'report-category', '邻里纠纷');
      await textareaByTestId(page, 'report-description').fill(
        '来电反映：楼上住户装修噪音和漏水，双方多次争吵，请求调解。',
      );
      await inputByTestId(page, 'report-reporter-name').fill('王先生');
      await inputByTestId(page, 'report-reporter-phone').fill('13800001234');
      const [community] = await communities(page);
      expect.ok(community, 'a community for the call');
      await chooseOption(page, 'report-community', community.name);
      await inputByTestId(page, 'report-address').fill('8 幢 3 单元 502 室');
      await screenshot('staff-entry', page, { fullPage: false });
      await page.getByTestId('report-submit').click();
      await form.waitFor({ state: 'detached' });
      const panel = page.getByTestId('case-detail');
      await panel.waitFor();
      // The caller's name and number are personal data: the console shows them masked.
      await eventually(
        'the new case shows the caller (masked)',
        () => page.getByTestId('case-facts').innerText(),
        (text) => text.includes('王*生') && text.includes('138****1234'),
      );
      // A call logged by the dispatcher is accepted at once (受理 by the person taking it), or waits in 受理.
      await eventually(
        'the new case is in intake or triage',
        () => panelStage(page),
        (stage) => stage === 'intake' || stage === 'triage',
      );
      await screenshot('staff-entry-case');
    },
  },
];

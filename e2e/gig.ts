/**
 * End-to-end journeys of the gig labour market (零工市场), on the demo's people: the worker 吴小军 on
 * a phone (the feed, signing 老张装修队's offer, a clock-in refused far from the site and accepted on
 * it, the wallet), 张国强 of 老张装修队 countersigning that contract, 郑海's attendance and top-up,
 * the operator 周强's console (KPIs, a dispute, payouts in Excel, reconciliation), and the feed in
 * English.
 *
 * The worker's scenario signs the offer the employer's scenario confirms: they hand on through `market`,
 * and the employer's fails with a clear message when the worker's did not get that far.
 */
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import {
  ACCOUNTS,
  AssertionError,
  eventually,
  expect,
  htmlLang,
  inputByTestId,
  login,
  PHONE,
  pageFetch,
  parseJson,
  saveXlsxDownload,
  scrollToTop,
  settledRowCount,
  show,
  tableRows,
  textareaByTestId,
  type ActorOptions,
  type Scenario,
} from './harness.js';

// ---------------------------------------------------------------- API shapes (what the checks read)

interface LngLat {
  lng: number;
  lat: number;
}

interface Site {
  name: string;
  address: string;
  location: LngLat;
  radiusM: number;
}

interface FeedItem {
  job: { id: string; title: string; employerName: string; site: { name: string } };
  distanceKm: number;
}

interface Application {
  id: string;
  jobId: string;
  jobTitle: string;
  state: string;
  worker: { name: string };
  contractHash: string | null;
  terms: { totalFen: number; employer: { name: string } } | null;
}

interface Assignment {
  id: string;
  job: { title: string };
  site: Site;
  state: string;
  clockInAt: string | null;
  clockInDistanceM: number | null;
  clockOutAt: string | null;
  earnedFen: number | null;
  flags: string[];
  openDispute: boolean;
}

interface Paged<T> {
  items: T[];
  total: number;
}

interface Balances {
  availableFen: number;
  heldFen: number;
  guaranteeFen: number;
}

interface Dispute {
  id: string;
  reason: string;
  state: string;
  resolution: string | null;
  amountFen: number | null;
  earnedFen: number | null;
  holdFen: number;
}

// ---------------------------------------------------------------- shared state and helpers

/** What the worker's scenario leaves for the employer's: the offer 吴小军 signed. */
const market: { signedApplicationId?: string; jobId?: string } = {};

const OFFER_JOB = '旧家具搬运';
const TODAY_JOB = '今日理货';
const DISPUTE_REASON = '提前 40 分钟离岗';

/** `12345` fen → `¥123.45`, grouped, as the pages show money (apps/web/src/gig/money.ts). */
function yuan(fen: number): string {
  const abs = Math.abs(Math.trunc(fen));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `¥${whole}.${String(abs % 100).padStart(2, '0')}`;
  return fen < 0 ? `−${text}` : text;
}

/** An instant as the pages show it: "2026-11-29 14:05:00", Asia/Shanghai (no daylight saving). */
function shanghaiDateTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The point `northM` metres north and `eastM` metres east of `from` (flat: fine for a few km). */
function offset(from: LngLat, northM: number, eastM: number): LngLat {
  const metresPerDegreeLat = 110_574;
  const metresPerDegreeLng = 111_320 * Math.cos((from.lat * Math.PI) / 180);
  return { lat: from.lat + northM / metresPerDegreeLat, lng: from.lng + eastM / metresPerDegreeLng };
}

function hasChinese(text: string): boolean {
  return /[\u3400-\u9fff]/.test(text);
}

/** The lines of `text` still holding Chinese once the `data` strings (names, titles) are taken out. */
function chineseLeft(text: string, data: readonly string[]): string {
  let rest = text;
  for (const item of [...data].filter(Boolean).sort((a, b) => b.length - a.length))
    rest = rest.split(item).join('');
  return rest
    .split('\n')
    .filter(hasChinese)
    .map((line) => line.trim())
    .join(' | ');
}

async function getJson<T>(page: Page, url: string, what: string): Promise<T> {
  const result = await pageFetch(page, url);
  expect.equal(result.status, 200, `GET ${url} (${result.body.slice(0, 200)})`);
  return parseJson<T>(result, what);
}

function employerBalances(page: Page): Promise<Balances> {
  return getJson<{ balances: Balances }>(page, '/api/gig/employer/profile', 'employer profile').then(
    (profile) => profile.balances,
  );
}

/** The shown value of an antd Statistic carrying the test id. */
async function statistic(scope: Page | Locator, testId: string): Promise<string> {
  const text = await scope.getByTestId(testId).locator('.ant-statistic-content').innerText();
  return text.replace(/\s+/g, '');
}

/** The text of a cell as shown (rich text flattened; the export writes plain values). */
function cellText(value: ExcelJS.CellValue): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && 'richText' in value)
    return value.richText.map((run) => run.text).join('');
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

async function signInPhone(
  open: (options?: ActorOptions) => Promise<Page>,
  phone: string,
  geolocation?: LngLat,
): Promise<Page> {
  const page = await open({ viewport: PHONE, mobile: true, ...(geolocation ? { geolocation } : {}) });
  await login(page, phone);
  return page;
}

// ---------------------------------------------------------------- scenarios

export const gigScenarios: Scenario[] = [
  {
    name: '20 gig worker (phone): nearest jobs, signs 老张装修队’s offer, clock-in refused far off then on site, wallet',
    async run({ page, open, screenshot }) {
      // Facts first (the shift's site), read as the worker on the desktop page.
      await login(page, ACCOUNTS.gigWorker);
      const shifts = await getJson<Paged<Assignment>>(
        page,
        '/api/gig/worker/assignments?pageSize=50',
        'worker assignments',
      );
      const today = shifts.items.find((item) => item.job.title === TODAY_JOB && item.state === 'scheduled');
      expect.ok(
        today,
        `a scheduled ${TODAY_JOB} shift in the demo: ${show(shifts.items.map((i) => i.job.title))}`,
      );
      const site = today.site;
      const far = offset(site.location, 1_000, 0);
      const near = offset(site.location, 12, 9); // 15 m away

      const phone = await signInPhone(open, ACCOUNTS.gigWorker, far);
      // 找活: the worker's home page, nearest first.
      await phone.waitForURL((url) => url.pathname === '/gig/worker');
      const feed = await getJson<FeedItem[]>(phone, '/api/gig/worker/feed?limit=30', 'feed');
      expect.atLeast(feed.length, 1, 'open jobs in the feed');
      const items = phone.getByTestId('feed-item');
      await eventually(
        'the feed lists every open job',
        () => items.count(),
        (n) => n === feed.length,
      );
      const shown = await items.evaluateAll((nodes) =>
        nodes.map((node) => (node as unknown as { textContent: string | null }).textContent ?? ''),
      );
      const distances = shown.map((text) => Number(/([\d.]+) 公里/.exec(text)?.[1] ?? 'NaN'));
      expect.ok(
        distances.every((km, i) => Number.isFinite(km) && (i === 0 || km >= (distances[i - 1] ?? 0))),
        `the feed is nearest first: ${show(distances)}`,
      );
      const nearest = [...feed].sort((a, b) => a.distanceKm - b.distanceKm)[0];
      expect.equal(
        await items.first().getAttribute('data-job-id'),
        nearest?.job.id ?? null,
        'the first card is the nearest job',
      );
      expect.ok(
        shown.some((text) => text.includes(OFFER_JOB)),
        `${OFFER_JOB} is in the feed: ${show(shown.map((t) => t.slice(0, 20)))}`,
      );
      await screenshot('gig-worker-feed', phone);

      // 我的申请: the offer from 老张装修队, signed after reading the contract.
      const applications = await getJson<Application[]>(
        phone,
        '/api/gig/worker/applications',
        'applications',
      );
      const offer = applications.find((item) => item.jobTitle === OFFER_JOB && item.state === 'offered');
      expect.ok(
        offer?.contractHash,
        `an offer for ${OFFER_JOB} waits: ${show(applications.map((a) => [a.jobTitle, a.state]))}`,
      );
      await phone.getByTestId('gig-tab-applications').click();
      await phone.waitForURL((url) => url.pathname === '/gig/worker/applications');
      const card = phone.locator('[data-testid="application"]', { hasText: OFFER_JOB });
      await card.waitFor();
      expect.equal(await card.getAttribute('data-state'), 'offered', 'the offer card state');
      await card.getByTestId('application-accept').click();
      const panel = card.getByTestId('accept-panel');
      await panel.waitFor();
      const contract = await panel.getByTestId('contract').innerText();
      expect.includes(contract, '老张装修队', 'the contract names the employer');
      expect.includes(contract, OFFER_JOB, 'the contract names the job');
      const hash = (await panel.getByTestId('contract-hash').innerText()).replace(/\s+/g, '');
      expect.equal(hash, offer.contractHash, 'the contract shows the hash of its terms');
      const submit = panel.getByTestId('accept-submit');
      expect.ok(await submit.isDisabled(), 'signing waits for the "read the contract" tick');
      await panel.getByTestId('contract-read').click();
      await eventually(
        'signing is possible once the contract is marked read',
        () => submit.isEnabled(),
        (enabled) => enabled,
      );
      await screenshot('gig-worker-contract', phone);
      await submit.click();
      await eventually(
        'the application is signed (accepted)',
        () => card.getAttribute('data-state'),
        (state) => state === 'accepted',
      );
      const signed = (
        await getJson<Application[]>(phone, '/api/gig/worker/applications', 'applications')
      ).find((item) => item.id === offer.id);
      expect.equal(signed?.state, 'accepted', 'the API has the offer accepted');
      market.signedApplicationId = offer.id;
      market.jobId = offer.jobId;
      await scrollToTop(card);
      await screenshot('gig-worker-signed', phone, { fullPage: false });

      // 我的班次: clock in from about 1 km away → refused, with the distance and the range.
      await phone.getByTestId('gig-tab-shifts').click();
      await phone.waitForURL((url) => url.pathname === '/gig/worker/shifts');
      const shift = phone.locator('[data-testid="shift"]', { hasText: TODAY_JOB });
      await shift.waitFor();
      expect.equal(await shift.getAttribute('data-state'), 'scheduled', `the ${TODAY_JOB} shift state`);
      await shift.getByTestId('shift-clock-in').click();
      const clock = shift.getByTestId('clock-in-panel');
      await clock.waitFor();
      expect.includes(await clock.innerText(), `${site.radiusM} 米`, 'the panel states the clock-in range');
      await clock.getByTestId('clock-in-submit').click();
      const refused = clock.getByTestId('clock-refused');
      await refused.waitFor();
      const refusal = await refused.innerText();
      const metres = Number(/距工作地点\s*(\d+)\s*米/.exec(refusal)?.[1] ?? 'NaN');
      expect.ok(
        metres >= 950 && metres <= 1_050,
        `the refusal names the distance (~1000 m): ${show(refusal)}`,
      );
      expect.includes(refusal, `打卡范围 ${site.radiusM} 米`, 'the refusal names the range');
      expect.ok(hasChinese(refusal), 'the refusal is in Chinese');
      expect.includes(
        await clock.getByTestId('clock-distance').innerText(),
        '米',
        'the page shows where the phone is',
      );
      expect.equal(await shift.getAttribute('data-state'), 'scheduled', 'still scheduled after the refusal');
      await scrollToTop(shift);
      await screenshot('gig-clock-refused', phone, { fullPage: false });

      // At the site (15 m off): clocked in, on shift.
      await phone.context().setGeolocation({ longitude: near.lng, latitude: near.lat, accuracy: 15 });
      await clock.getByTestId('clock-in-submit').click();
      await eventually(
        'the shift is on',
        () => shift.getAttribute('data-state'),
        (state) => state === 'on_shift',
      );
      const after = (
        await getJson<Paged<Assignment>>(
          phone,
          '/api/gig/worker/assignments?pageSize=50',
          'worker assignments',
        )
      ).items.find((item) => item.id === today.id);
      expect.equal(after?.state, 'on_shift', 'the API has the shift on');
      expect.ok(
        after?.clockInAt && after.clockInDistanceM !== null && after.clockInDistanceM <= 30,
        `clocked in within 30 m of the site: ${show(after?.clockInDistanceM)}`,
      );
      // A kilometre in a few seconds is no walk: the server flags the reading (as it should).
      expect.ok(
        after.flags.includes('impossible_speed'),
        `the jump from 1 km away is flagged: ${show(after.flags)}`,
      );
      expect.includes(
        await shift.innerText(),
        shanghaiDateTime(after.clockInAt),
        'the card shows the clock-in time',
      );
      await scrollToTop(shift);
      await screenshot('gig-clocked-in', phone, { fullPage: false });

      // 钱包: balance, entries, payslips.
      await phone.getByTestId('gig-tab-wallet').click();
      await phone.waitForURL((url) => url.pathname === '/gig/worker/wallet');
      const wallet = await getJson<{ balanceFen: number; entries: unknown[] }>(
        phone,
        '/api/gig/worker/wallet',
        'wallet',
      );
      await phone.getByTestId('wallet').waitFor();
      expect.equal(await statistic(phone, 'wallet-balance'), yuan(wallet.balanceFen), 'the balance shown');
      expect.atLeast(wallet.entries.length, 1, 'wallet entries in the API');
      await eventually(
        'the wallet lists its entries',
        () => phone.getByTestId('wallet-entry').count(),
        (n) => n === wallet.entries.length,
      );
      const payslips = await getJson<Array<{ periodKey: string; amountFen: number }>>(
        phone,
        '/api/gig/worker/payslips',
        'payslips',
      );
      expect.atLeast(payslips.length, 1, 'payslips of the paid history');
      const slips = phone.locator('[data-testid="payslips"] .ant-collapse-item');
      await eventually(
        'the payslips are listed',
        () => slips.count(),
        (n) => n === payslips.length,
      );
      const first = payslips[0];
      expect.ok(first, 'a payslip');
      const slip = slips.first();
      expect.includes(await slip.innerText(), first.periodKey, 'the payslip period');
      expect.includes(await slip.innerText(), yuan(first.amountFen), 'the payslip amount');
      await slip.locator('.ant-collapse-header').click();
      await eventually(
        'the payslip opens on its lines',
        () => slip.innerText(),
        (text) => text.includes('仓库货物分拣'),
      );
      await screenshot('gig-worker-wallet', phone);
    },
  },
  {
    name: '21 gig employer 张国强 (phone): confirms 吴小军’s signed contract, the wages are held',
    async run({ open, screenshot }) {
      const applicationId = market.signedApplicationId;
      const jobId = market.jobId;
      if (!applicationId || !jobId)
        throw new AssertionError(
          `吴小军 has not signed the ${OFFER_JOB} offer (scenario 20 failed or did not run): nothing to confirm`,
        );
      const phone = await signInPhone(open, ACCOUNTS.gigEmployerZhang);
      await phone.waitForURL((url) => url.pathname === '/gig/employer');
      const before = await employerBalances(phone);
      const jobCard = phone.locator('[data-testid="employer-job"]', { hasText: OFFER_JOB });
      await jobCard.first().click();
      await phone.waitForURL((url) => url.pathname === `/gig/employer/jobs/${jobId}`);

      const applications = await getJson<Application[]>(
        phone,
        `/api/gig/jobs/${encodeURIComponent(jobId)}/applications`,
        'job applications',
      );
      const application = applications.find((item) => item.id === applicationId);
      if (application?.state !== 'accepted')
        throw new AssertionError(
          `the ${OFFER_JOB} application is ${show(application?.state)}, not accepted: 吴小军's signature did not reach the employer`,
        );
      expect.ok(application.contractHash && application.terms, 'the accepted application carries its terms');
      const card = phone.locator('[data-testid="job-application"][data-state="accepted"]', {
        hasText: '吴*军',
      });
      await card.waitFor();
      expect.ok(!(await card.innerText()).includes('吴小军'), 'the worker’s name is masked');
      await card.getByTestId('application-confirm').click();
      const panel = card.getByTestId('confirm-panel');
      await panel.waitFor();
      expect.equal(
        (await panel.getByTestId('contract-hash').innerText()).replace(/\s+/g, ''),
        application.contractHash,
        'the employer sees the hash the worker signed',
      );
      const submit = panel.getByTestId('confirm-submit');
      expect.ok(await submit.isDisabled(), 'confirming waits for the "read the contract" tick');
      await panel.getByTestId('confirm-read').click();
      await eventually(
        'confirming is possible once the contract is marked read',
        () => submit.isEnabled(),
        (enabled) => enabled,
      );
      await submit.click();
      await eventually(
        'the application is hired',
        () =>
          phone.locator('[data-testid="job-application"]', { hasText: '吴*军' }).getAttribute('data-state'),
        (state) => state === 'hired',
      );
      await screenshot('gig-employer-hired', phone, { fullPage: false });

      // The wages of the contract are held from the available balance.
      const after = await employerBalances(phone);
      const total = application.terms.totalFen;
      expect.equal(after.heldFen - before.heldFen, total, 'held grows by the contract total (fen)');
      expect.equal(
        before.availableFen - after.availableFen,
        total,
        'available shrinks by the contract total (fen)',
      );
      await phone.getByTestId('gig-tab-jobs').click();
      await phone.waitForURL((url) => url.pathname === '/gig/employer');
      await eventually(
        'the balances show the money held',
        () => statistic(phone, 'balance-held'),
        (text) => text === yuan(after.heldFen),
      );
      expect.equal(await statistic(phone, 'balance-available'), yuan(after.availableFen), 'available shown');
      await screenshot('gig-employer-hire', phone, { fullPage: false });
    },
  },
  {
    name: '22 gig employer 郑海 (phone): attendance with times, earnings and the disputed shift; a ¥100 top-up',
    async run({ open, screenshot }) {
      const phone = await signInPhone(open, ACCOUNTS.gigEmployer);
      await phone.goto('/gig/employer/attendance');
      const listed = await getJson<Paged<Assignment>>(
        phone,
        '/api/gig/employer/assignments?pageSize=10',
        'employer assignments',
      );
      const worked = listed.items.filter((item) => item.clockInAt && item.clockOutAt);
      expect.atLeast(worked.length, 2, 'shifts with clock-in and clock-out in the demo');
      const disputed = listed.items.find((item) => item.state === 'disputed');
      expect.ok(disputed, `a disputed shift: ${show(listed.items.map((item) => item.state))}`);

      await phone.getByTestId('attendance-filter-all').click();
      const cards = phone.getByTestId('attendance');
      await eventually(
        'every shift is listed',
        () => cards.count(),
        (n) => n === listed.items.length,
      );
      for (const item of worked) {
        const text = await phone
          .locator('[data-testid="attendance"]', { hasText: shanghaiDateTime(item.clockInAt ?? '') })
          .first()
          .innerText();
        expect.includes(text, shanghaiDateTime(item.clockOutAt ?? ''), `clock-out time of ${item.id}`);
        if (item.earnedFen !== null) expect.includes(text, yuan(item.earnedFen), `earned of ${item.id}`);
      }
      const disputedCard = phone.locator('[data-testid="attendance"][data-state="disputed"]');
      expect.equal(await disputedCard.count(), 1, 'one disputed card');
      const disputedText = await disputedCard.innerText();
      expect.includes(disputedText, '有争议', 'the disputed state is named');
      expect.includes(disputedText, '有未处理的争议', 'the open dispute is explained');
      await scrollToTop(disputedCard);
      await screenshot('gig-employer-attendance', phone, { fullPage: false });

      // 资金: top up ¥100.
      await phone.getByTestId('gig-tab-funds').click();
      await phone.waitForURL((url) => url.pathname === '/gig/employer/funds');
      const before = await employerBalances(phone);
      await phone.getByTestId('balances').waitFor();
      expect.equal(
        await statistic(phone, 'balance-available'),
        yuan(before.availableFen),
        'available before',
      );
      await inputByTestId(phone, 'topup-amount').fill('100');
      await phone.getByTestId('topup-submit').click();
      const expected = before.availableFen + 10_000;
      await eventually(
        'the available balance grows by ¥100',
        () => statistic(phone, 'balance-available'),
        (text) => text === yuan(expected),
      );
      const after = await employerBalances(phone);
      expect.equal(after.availableFen - before.availableFen, 10_000, 'available grows by 10000 fen (API)');
      expect.equal(after.heldFen, before.heldFen, 'nothing more is held');
      await screenshot('gig-employer-funds', phone, { fullPage: false });
    },
  },
  {
    name: '23 gig operator console: KPIs, resolves the dispute, payouts in Excel, reconciliation',
    async run({ page, screenshot }) {
      await login(page, ACCOUNTS.gigOperator);
      await page.waitForURL((url) => url.pathname === '/gig/console');
      const kpis = await getJson<{
        workers: number;
        employers: number;
        openDisputes: number;
        openJobs: number;
      }>(page, '/api/gig/console/kpis', 'KPIs');
      await page.getByTestId('gig-kpis').waitFor();
      for (const [key, value] of [
        ['workers', kpis.workers],
        ['employers', kpis.employers],
        ['openJobs', kpis.openJobs],
        ['disputes', kpis.openDisputes],
      ] as const) {
        await eventually(
          `KPI ${key} shows ${value}`,
          () => statistic(page, `gig-kpi-${key}`),
          (text) => text === String(value),
        );
      }
      expect.atLeast(kpis.workers, 40, 'workers in the market');
      await screenshot('gig-console-kpis');

      // 纠纷处理: pay the worker what the clock says they earned, with a note.
      await page.getByTestId('gig-console-disputes').click();
      await page.waitForURL((url) => url.pathname === '/gig/console/disputes');
      const open = await getJson<Paged<Dispute>>(page, '/api/gig/disputes?state=open', 'open disputes');
      const dispute = open.items.find((item) => item.reason.includes(DISPUTE_REASON));
      expect.ok(dispute, `the demo's open dispute: ${show(open.items.map((item) => item.reason))}`);
      const amountFen = dispute.earnedFen ?? dispute.holdFen;
      await settledRowCount(page, 'disputes-table', (n) => n === open.total, 'the open disputes are listed');
      const row = tableRows(page, 'disputes-table').filter({ hasText: DISPUTE_REASON });
      await row.getByTestId('dispute-resolve').click();
      const form = page.getByTestId('resolve-form');
      await form.waitFor();
      await form.locator('.ant-radio-button-wrapper', { hasText: '支付工资' }).click();
      const amount = inputByTestId(page, 'resolve-amount');
      await amount.fill((amountFen / 100).toFixed(2));
      const note = '核实考勤：提前 40 分钟离岗，按实际工时支付工资。';
      await textareaByTestId(page, 'resolve-note').fill(note);
      await page.getByTestId('resolve-submit').click();
      await form.waitFor({ state: 'detached' });
      const resolved = (
        await getJson<Paged<Dispute>>(page, '/api/gig/disputes?pageSize=50', 'disputes')
      ).items.find((item) => item.id === dispute.id);
      expect.equal(resolved?.state, 'resolved', 'the API has the dispute resolved');
      expect.equal(resolved?.resolution, 'pay', 'resolved by paying');
      expect.equal(resolved?.amountFen, amountFen, 'the amount paid (fen)');
      await page.getByTestId('disputes-filter').getByText('已处理').click();
      await page.waitForURL((url) => url.searchParams.get('state') === 'resolved');
      const done = tableRows(page, 'disputes-table').filter({ hasText: DISPUTE_REASON });
      await done.waitFor();
      const doneText = await done.innerText();
      expect.includes(doneText, '支付工资', 'the resolution is shown');
      expect.includes(doneText, yuan(amountFen), 'the amount is shown');
      expect.includes(doneText, note, 'the note is shown');
      await screenshot('gig-console-dispute');

      // 工资代发: the list in Excel.
      await page.getByTestId('gig-console-payouts').click();
      await page.waitForURL((url) => url.pathname === '/gig/console/payouts');
      const payouts = await getJson<Paged<unknown>>(page, '/api/gig/payouts?pageSize=1', 'payouts');
      expect.atLeast(payouts.total, 1, 'payouts in the demo');
      await settledRowCount(page, 'payouts-table', (n) => n > 0, 'payouts are listed');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('payouts-export').click(),
      ]);
      const { path: file } = await saveXlsxDownload(download);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(file);
      const sheet = workbook.worksheets[0];
      expect.ok(sheet, 'the workbook has a sheet');
      const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText).filter(Boolean);
      expect.atLeast(header.length, 3, 'header columns');
      expect.ok(header.every(hasChinese), `every header is named in Chinese: ${show(header)}`);
      expect.ok(
        header.some((name) => name.includes('金额')),
        `a 金额 column: ${show(header)}`,
      );
      expect.equal(sheet.actualRowCount - 1, payouts.total, 'one data row per payout');
      const firstRow = (sheet.getRow(2).values as ExcelJS.CellValue[]).map(cellText).filter(Boolean);
      expect.atLeast(firstRow.length, 3, `the first data row has values: ${show(firstRow)}`);

      // 结算与对账: every check holds.
      await page.getByTestId('gig-console-settlement').click();
      await page.waitForURL((url) => url.pathname === '/gig/console/settlement');
      await page.getByTestId('reconcile-run').click();
      const checks = page.getByTestId('reconcile-check');
      await eventually(
        'the reconciliation checks are listed',
        () => checks.count(),
        (n) => n >= 3,
      );
      const oks = await checks.evaluateAll((nodes) =>
        nodes.map((node) =>
          (node as unknown as { getAttribute(name: string): string | null }).getAttribute('data-ok'),
        ),
      );
      expect.ok(
        oks.every((ok) => ok === 'true'),
        `every reconciliation check passes: ${show(await checks.allInnerTexts())}`,
      );
      expect.includes(await page.getByTestId('reconcile').innerText(), '对账一致', 'the verdict');
      await screenshot('gig-console-reconcile');
    },
  },
  {
    name: '24 gig worker (phone) in English: titles, headings and labels switch; only data stays Chinese',
    async run({ open, screenshot }) {
      const phone = await signInPhone(open, ACCOUNTS.gigWorker);
      await phone.waitForURL((url) => url.pathname === '/gig/worker');
      const root = phone.getByTestId('gig-worker');
      // The feed may be empty by now: scenarios 20–21 hired 吴小军 for tomorrow's 09:00–17:00, and a
      // worker's feed leaves out the jobs that overlap a shift of theirs.
      const loaded = () =>
        root.getByTestId('feed-item').or(root.locator('.ant-empty')).first().waitFor({ state: 'visible' });
      await loaded();
      expect.includes(await phone.title(), '附近的活', 'the Chinese page title');
      await phone.getByTestId('lang-switch').click();
      await eventually(
        '<html lang> becomes en',
        () => htmlLang(phone),
        (lang) => lang === 'en',
      );
      await eventually(
        'the page title is English',
        () => phone.title(),
        (title) => title.startsWith('Jobs nearby'),
      );
      await loaded();
      expect.equal(
        (await root.getByRole('heading', { level: 3 }).first().innerText()).trim(),
        'Jobs nearby',
        'the feed heading',
      );
      const tabs = await phone.locator('.gig-tabs .gig-tab').allInnerTexts();
      expect.ok(
        tabs.length >= 5 && tabs.every((label) => !hasChinese(label)),
        `the tabs are in English: ${show(tabs)}`,
      );
      // Whatever Chinese is left is data: job titles, sites, employers.
      const feed = await getJson<FeedItem[]>(phone, '/api/gig/worker/feed?limit=30', 'feed');
      const feedData = feed.flatMap((item) => [item.job.title, item.job.site.name, item.job.employerName]);
      expect.equal(
        chineseLeft(await root.innerText(), feedData),
        '',
        'Chinese UI text left on the English feed',
      );
      await screenshot('gig-worker-feed-en', phone, { fullPage: false });

      // The applications: cards full of data (titles, notes), every label in English.
      await phone.getByTestId('gig-tab-applications').click();
      await phone.waitForURL((url) => url.pathname === '/gig/worker/applications');
      await eventually(
        'the page title is English',
        () => phone.title(),
        (title) => title.startsWith('My applications'),
      );
      const applications = await getJson<Array<{ jobTitle: string; note: string | null }>>(
        phone,
        '/api/gig/worker/applications',
        'applications',
      );
      await eventually(
        'the applications are listed',
        () => root.getByTestId('application').count(),
        (n) => n === applications.length && n > 0,
      );
      const applicationData = applications.flatMap((item) => [item.jobTitle, item.note ?? '']);
      expect.equal(
        chineseLeft(await root.innerText(), applicationData),
        '',
        'Chinese UI text left on the English applications page',
      );
      await screenshot('gig-worker-applications-en', phone, { fullPage: false });
    },
  },
];

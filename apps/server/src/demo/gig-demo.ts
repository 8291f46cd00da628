import type { Role } from '@jiedao/contracts';
import {
  GIG_CATEGORIES,
  GIG_SKILLS,
  type GigCategoryCode,
  type GigSkillCode,
} from '@jiedao/contracts/constants';
import type { Actor } from '../platform/auth/actor.js';
import type { AppContext } from '../platform/context.js';
import { bbox, pointInPolygon } from '../platform/geo/geojson.js';
import { GUDANG_BOUNDARY, createRng, randomPointIn, type Rng } from '../platform/geo/synthetic.js';
import { RealtimeHub } from '../platform/realtime/realtime-hub.js';
import {
  createAccountUnchecked,
  makeResidentIdNumber,
  makeUscc,
  recordVerifiedIdentityUnchecked,
} from '../modules/identity/index.js';
import { createGigContext, gigServices } from '../modules/gig/index.js';
import { DEMO_PASSWORD } from './demo-data.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface GigDemoAccount {
  accountId: string;
  personId: string;
  name: string;
}

export interface GigDemoResult {
  workers: number;
  employers: number;
  jobs: number;
  shiftsPaid: number;
  accounts: Array<{ role: Role; name: string; phone: string; password: string }>;
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐';
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

function pointInGudang(rng: Rng): { lng: number; lat: number } {
  const box = bbox(GUDANG_BOUNDARY);
  for (;;) {
    const [lng, lat] = randomPointIn(box, rng);
    if (pointInPolygon(lng, lat, GUDANG_BOUNDARY)) return { lng, lat };
  }
}

const actorOf = (tenantId: string, account: GigDemoAccount, role: Role): Actor => ({
  tenantId,
  accountId: account.accountId,
  personId: account.personId,
  sessionId: 'demo-seed',
  roles: [{ role, communityId: null, organisationId: null }],
});

/** Weekday daytime (8–20) or every day all day: the two shapes most profiles take. */
const DAYTIME = Array.from({ length: 7 }, (_, day) => (day < 5 ? 0xfff00 & 0x1fff00 : 0xffffff));
const ALWAYS = Array.from({ length: 7 }, () => 0xffffff);

/**
 * The gig market's demo: 40 workers around Gudang (plus the demo worker 吴小军), three employers
 * (the demo employer 郑海's 家政服务部, a catering company, a renovation crew) with sites and funds,
 * two days of history — jobs posted, pushed, hired, clocked in and out, paid the moment they were
 * confirmed (one no-show, one open dispute), wallets settled by cycle — and open jobs for
 * tomorrow, one of them an offer waiting for 吴小军. It runs through the module's own services with
 * a clock moved through those days, so every fen went through the ledger as it would live.
 */
export async function seedGigDemo(
  ctx: AppContext,
  tenantId: string,
  demo: { worker: GigDemoAccount; employer: GigDemoAccount },
  onProgress: (step: string, done: number, total: number) => void = () => {},
): Promise<GigDemoResult> {
  const rng = createRng(4_2026_1129);
  // The history runs on a clock from two days ago; its last moment is 13 hours before now.
  const historyStart = Math.floor(Date.now() / HOUR) * HOUR - 2 * DAY;
  let clock = new Date(historyStart);
  const hub = new RealtimeHub({ bufferSize: 1 });
  const g = createGigContext(ctx, hub, () => clock);
  const s = gigServices;
  const accounts: GigDemoResult['accounts'] = [];

  // ——— workers ———
  await recordVerifiedIdentityUnchecked(ctx, tenantId, demo.worker.personId, {
    name: demo.worker.name,
    idNumber: makeResidentIdNumber({ birthDate: '1998-07-12', sex: 'male', sequence: 311 }),
  });
  const home = pointInGudang(rng);
  await s.registerWorker(g, actorOf(tenantId, demo.worker, 'worker'), {
    categories: ['moving', 'cleaning', 'warehouse', 'delivery'],
    skills: ['health_cert', 'driving_c1'],
    home,
    radiusKm: 10,
    weekHours: ALWAYS,
    settlementCycle: 'daily',
    payout: { name: demo.worker.name, accountNo: '6222021202004471' },
  });
  const workers: Actor[] = [actorOf(tenantId, demo.worker, 'worker')];
  const workerCount = 40;
  for (let i = 0; i < workerCount; i++) {
    const name = `${pick(rng, [...SURNAMES])}${pick(rng, GIVEN)}`;
    const phone = `1370000${String(i + 1).padStart(4, '0')}`;
    const { accountId, personId } = await createAccountUnchecked(ctx, tenantId, {
      name,
      phone,
      password: DEMO_PASSWORD,
      roles: [{ role: 'worker' }],
    });
    await recordVerifiedIdentityUnchecked(ctx, tenantId, personId, {
      name,
      idNumber: makeResidentIdNumber({
        birthDate: `19${70 + Math.floor(rng() * 30)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
        sex: rng() < 0.5 ? 'male' : 'female',
        sequence: 400 + i * 2,
      }),
    });
    const actor = actorOf(tenantId, { accountId, personId, name }, 'worker');
    const categories = [
      ...new Set<GigCategoryCode>([pick(rng, GIG_CATEGORIES).code, pick(rng, GIG_CATEGORIES).code, 'moving']),
    ];
    await s.registerWorker(g, actor, {
      categories,
      skills: rng() < 0.6 ? [...new Set<GigSkillCode>([pick(rng, GIG_SKILLS).code, 'health_cert'])] : [],
      home: pointInGudang(rng),
      radiusKm: pick(rng, [3, 5, 8, 10, 15]),
      weekHours: rng() < 0.5 ? DAYTIME : ALWAYS,
      settlementCycle: pick(rng, ['daily', 'daily', 'weekly', 'monthly'] as const),
      payout: { name, accountNo: `62220212${String(10_000_000 + i * 7919).slice(0, 8)}` },
    });
    workers.push(actor);
    onProgress('gig workers', i + 1, workerCount);
  }

  // ——— employers, sites, funds ———
  await recordVerifiedIdentityUnchecked(ctx, tenantId, demo.employer.personId, {
    name: demo.employer.name,
    idNumber: makeResidentIdNumber({ birthDate: '1979-11-02', sex: 'male', sequence: 513 }),
  });
  const boss = actorOf(tenantId, demo.employer, 'employer');
  await s.registerEmployer(g, boss, {
    kind: 'business',
    name: '古荡便民家政服务部',
    uscc: makeUscc({ prefix: '92', regionCode: '330106', organisation8: 'MA2GUD01' }),
  });
  const bosses: Actor[] = [boss];
  for (const [index, extra] of [
    { name: '杭州西溪餐饮管理有限公司', kind: 'business' as const, person: '钱立', phone: '13700010001' },
    { name: '老张装修队', kind: 'person' as const, person: '张国强', phone: '13700010002' },
  ].entries()) {
    const { accountId, personId } = await createAccountUnchecked(ctx, tenantId, {
      name: extra.person,
      phone: extra.phone,
      password: DEMO_PASSWORD,
      roles: [{ role: 'employer' }],
    });
    await recordVerifiedIdentityUnchecked(ctx, tenantId, personId, {
      name: extra.person,
      idNumber: makeResidentIdNumber({ birthDate: '1975-02-02', sex: 'male', sequence: 601 + index * 2 }),
    });
    const actor = actorOf(tenantId, { accountId, personId, name: extra.person }, 'employer');
    await s.registerEmployer(g, actor, {
      kind: extra.kind,
      name: extra.name,
      ...(extra.kind === 'business'
        ? { uscc: makeUscc({ prefix: '91', regionCode: '330106', organisation8: `MA2XX${index}0${index}` }) }
        : {}),
    });
    bosses.push(actor);
    accounts.push({
      role: 'employer' as const,
      name: extra.person,
      phone: extra.phone,
      password: DEMO_PASSWORD,
    });
  }
  const sites: string[] = [];
  for (const [index, actor] of bosses.entries()) {
    const site = await s.addSite(g, actor, {
      name: ['古荡仓储中心', '西溪中央厨房', '翠苑装修工地'][index]!,
      address: ['古墩路 88 号', '文二西路 12 号', '翠苑三区 5 幢'][index]!,
      location: pointInGudang(rng),
    });
    sites.push(site.id);
    await s.topUp(g, actor, 800_000, `demo-topup-${index}`);
    await s.depositGuarantee(g, actor, 100_000, `demo-guarantee-${index}`);
  }
  onProgress('gig employers', bosses.length, bosses.length);

  // ——— two days of history ———
  let jobs = 0;
  let shiftsPaid = 0;
  for (let day = 0; day < 2; day++) {
    for (const [index, actor] of bosses.entries()) {
      // Each employer posts in the morning of the day; the shifts run 2–7 hours after.
      clock = new Date(historyStart + day * DAY + index * 10 * 60_000);
      const dayStart = clock;
      const job = await s.postJob(
        g,
        actor,
        {
          siteId: sites[index]!,
          title: ['仓库货物分拣', '中午后厨帮工', '装修垃圾清运'][index]!,
          category: (['warehouse', 'catering', 'moving'] as const)[index]!,
          headcount: 3,
          wageKind: index === 1 ? 'day' : 'hour',
          wageFen: index === 1 ? 18_000 : 2_800 + index * 200,
          settlementCycle: 'daily',
          requirements: '准时到岗，服从现场安排',
          shifts: [
            {
              startsAt: new Date(dayStart.getTime() + 2 * HOUR).toISOString(),
              endsAt: new Date(dayStart.getTime() + 7 * HOUR).toISOString(),
              breakMinutes: 30,
            },
          ],
        },
        `demo-job-${day}-${index}`,
        'employer',
      );
      jobs += 1;
      const site = job.site.location;
      // The nearest pushed workers apply; the employer hires three.
      const hires = workers.filter((_, k) => (k + day + index) % 9 === 0).slice(0, 3);
      const assignmentIds: Array<{ worker: Actor; assignmentId: string }> = [];
      for (const worker of hires) {
        // Replies come in over the next half hour or so: the console's time-to-fill is not zero.
        clock = new Date(clock.getTime() + (8 + Math.floor(rng() * 12)) * 60_000);
        const applied = await s.apply(g, worker, job.id, undefined);
        const offered = await s.offer(g, actor, applied.id);
        await s.accept(g, worker, offered.id, offered.contractHash!);
        await s.confirmHire(g, actor, offered.id, offered.contractHash!);
        const mine = await s.listAssignments(g, worker, 'worker', {});
        const assignment = mine.items.find((item) => item.job.id === job.id)!;
        assignmentIds.push({ worker, assignmentId: assignment.id });
      }
      const startsAt = new Date(job.shifts[0]!.startsAt);
      for (const [k, { worker, assignmentId }] of assignmentIds.entries()) {
        if (day === 1 && index === 2 && k === 2) continue; // a no-show
        clock = new Date(startsAt.getTime() - 10 * 60_000 + k * 9 * 60_000);
        const jitter = () => (rng() - 0.5) * 0.0006;
        await s.clockIn(g, worker, assignmentId, {
          location: { lng: site.lng + jitter(), lat: site.lat + jitter() },
          accuracyM: 8 + Math.round(rng() * 20),
        });
        clock = new Date(new Date(job.shifts[0]!.endsAt).getTime() - (k === 1 ? 40 : 0) * 60_000);
        await s.clockOut(g, worker, assignmentId, {
          location: { lng: site.lng + jitter(), lat: site.lat + jitter() },
          accuracyM: 8 + Math.round(rng() * 20),
        });
        if (k === 0) {
          await s.confirmAttendance(g, actor, assignmentId);
          shiftsPaid += 1;
        } else if (day === 1 && index === 0 && k === 1) {
          await s.raiseDispute(g, actor, assignmentId, {
            reason: '提前 40 分钟离岗，现场未交接',
          });
        }
      }
      clock = new Date(startsAt.getTime() + 8 * HOUR);
      const swept = await s.sweepAttendance(g);
      shiftsPaid += swept.confirmed;
    }
    onProgress('gig history', day + 1, 2);
    clock = new Date(historyStart + day * DAY + 11 * HOUR);
    await s.runSettlement(g, tenantId);
  }

  // ——— today: open jobs for tomorrow, pushed; an offer for the demo worker; a shift of theirs ———
  clock = new Date();
  const tomorrow = new Date(Math.floor(Date.now() / DAY) * DAY + DAY + 1 * HOUR); // 09:00 Shanghai
  for (const [index, actor] of bosses.entries()) {
    const job = await s.postJob(
      g,
      actor,
      {
        siteId: sites[index]!,
        title: ['双十二仓库打包', '周末宴席服务员', '旧家具搬运'][index]!,
        category: (['warehouse', 'catering', 'moving'] as const)[index]!,
        skills: index === 1 ? ['health_cert'] : [],
        headcount: 5 - index,
        wageKind: index === 0 ? 'piece' : 'hour',
        wageFen: index === 0 ? 80 : 2_600 + index * 300,
        ...(index === 0 ? { expectedPieces: 300 } : {}),
        settlementCycle: 'daily',
        requirements: index === 1 ? '需持健康证' : '',
        shifts: [
          {
            startsAt: tomorrow.toISOString(),
            endsAt: new Date(tomorrow.getTime() + 8 * HOUR).toISOString(),
            breakMinutes: 60,
          },
        ],
      },
      `demo-open-${index}`,
      'employer',
    );
    jobs += 1;
    if (index === 2) {
      const profile = await s.myWorkerProfile(g, workers[0]!);
      await s.invite(g, actor, job.id, profile.id, '附近的活，欢迎来');
    }
  }
  const todayJob = await s.postJob(
    g,
    bosses[0]!,
    {
      siteId: sites[0]!,
      title: '今日理货',
      category: 'warehouse',
      headcount: 1,
      wageKind: 'hour',
      wageFen: 3_000,
      settlementCycle: 'daily',
      shifts: [
        {
          startsAt: new Date(clock.getTime() + HOUR).toISOString(),
          endsAt: new Date(clock.getTime() + 5 * HOUR).toISOString(),
        },
      ],
    },
    'demo-today',
    'employer',
  );
  jobs += 1;
  const applied = await s.apply(g, workers[0]!, todayJob.id, '我就在附近');
  const offered = await s.offer(g, bosses[0]!, applied.id);
  await s.accept(g, workers[0]!, offered.id, offered.contractHash!);
  await s.confirmHire(g, bosses[0]!, offered.id, offered.contractHash!);
  hub.close();
  return { workers: workers.length, employers: bosses.length, jobs, shiftsPaid, accounts };
}

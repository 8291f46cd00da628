import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobIndex, RINGS_KM, shiftHours, WorkerIndex, type MatchJob, type MatchWorker } from './matching.js';

const ALL_HOURS = 0xffffff;
const DAYTIME = 0b0000_0000_1111_1111_1111_0000_0000; // 08:00–20:00
const everyDay = (mask: number) => Array.from({ length: 7 }, () => mask);
const WEEKDAYS = [ALL_HOURS, ALL_HOURS, ALL_HOURS, ALL_HOURS, ALL_HOURS, 0, 0];
const centre = { lng: 120.13, lat: 30.28 };
/** Monday 2026-11-30 09:00–17:00 in Shanghai. */
const mondayShift = {
  shiftStart: new Date('2026-11-30T01:00:00Z'),
  shiftEnd: new Date('2026-11-30T09:00:00Z'),
};

function worker(id: string, dxKm: number, extra: Partial<MatchWorker> = {}): MatchWorker {
  return {
    id,
    lng: centre.lng + dxKm / (111.32 * Math.cos((centre.lat * Math.PI) / 180)),
    lat: centre.lat,
    radiusKm: 10,
    categories: ['cleaning'],
    skills: ['mop'],
    reliability: 80,
    weekHours: everyDay(ALL_HOURS),
    ...extra,
  };
}

const job: MatchJob = {
  id: 'job-1',
  lng: centre.lng,
  lat: centre.lat,
  category: 'cleaning',
  skills: ['mop'],
  ...mondayShift,
  wagePerHourFen: 2500,
};

describe('shiftHours', () => {
  it('names the local weekday and hours a shift needs, across midnight too', () => {
    expect(shiftHours(mondayShift.shiftStart, mondayShift.shiftEnd)).toEqual([[0, 0b1111_1111 << 9]]);
    // Sunday 22:00 → Monday 02:00 local.
    expect(shiftHours(new Date('2026-11-29T14:00:00Z'), new Date('2026-11-29T18:00:00Z'))).toEqual([
      [6, (1 << 22) | (1 << 23)],
      [0, 0b11],
    ]);
  });
});

describe('WorkerIndex.firstWave', () => {
  it('puts nearby rings first, then the more reliable, and leaves out whoever is not eligible', () => {
    const index = new WorkerIndex(
      [
        worker('near-unreliable', 0.6, { reliability: 10 }),
        worker('near-reliable', 0.8, { reliability: 95 }),
        worker('mid', 2.5, { reliability: 100 }),
        worker('far', 8, { reliability: 100 }),
        worker('too-far-for-them', 8, { radiusKm: 5 }),
        worker('wrong-trade', 0.2, { categories: ['moving'] }),
        worker('no-skill', 0.2, { skills: [] }),
        worker('days-off-monday', 0.2, {
          weekHours: [0, ALL_HOURS, ALL_HOURS, ALL_HOURS, ALL_HOURS, ALL_HOURS, ALL_HOURS],
        }),
        worker('evenings-only', 0.2, { weekHours: everyDay(ALL_HOURS & ~DAYTIME) }),
        worker('booked', 0.3),
      ],
      centre,
    );
    const wave = index.firstWave(job, 10, (id) => id === 'booked');
    expect(wave.map((entry) => entry.id)).toEqual(['near-reliable', 'near-unreliable', 'mid', 'far']);
    expect(wave.map((entry) => RINGS_KM[entry.ring])).toEqual([1, 1, 3, 10]);
    // Nearer still is a ring of its own.
    const closer = new WorkerIndex(
      [worker('next-door', 0.3, { reliability: 1 }), worker('best', 0.8)],
      centre,
    );
    expect(closer.firstWave(job, 2).map((entry) => entry.id)).toEqual(['next-door', 'best']);
    // A wave of two takes the best two; without the booking known, the booked worker (0.3 km, the
    // innermost ring) would come first.
    expect(index.firstWave(job, 2, (id) => id === 'booked').map((entry) => entry.id)).toEqual([
      'near-reliable',
      'near-unreliable',
    ]);
    expect(index.firstWave(job, 2).map((entry) => entry.id)).toEqual(['booked', 'near-reliable']);
  });

  it('sees changes at once and after a rebuild alike', () => {
    const index = new WorkerIndex([worker('a', 4), worker('b', 6)], centre);
    index.upsert(worker('a', 0.1)); // moved next door
    index.upsert(worker('c', 0.5));
    index.remove('b');
    expect(index.firstWave(job, 5).map((entry) => entry.id)).toEqual(['a', 'c']);
    index.rebuild();
    expect(index.firstWave(job, 5).map((entry) => entry.id)).toEqual(['a', 'c']);
    expect(index.size).toBe(2);
  });

  it('answers exactly what a scan of every worker answers (property)', () => {
    const categories = ['cleaning', 'moving', 'kitchen'];
    const skills = ['mop', 'lift', 'knife', 'drive'];
    const arbitraryWorker = fc.record({
      dx: fc.double({ min: -60, max: 60, noNaN: true }),
      dy: fc.double({ min: -60, max: 60, noNaN: true }),
      radiusKm: fc.integer({ min: 1, max: 60 }),
      categories: fc.subarray(categories, { minLength: 1 }),
      skills: fc.subarray(skills),
      reliability: fc.integer({ min: 0, max: 100 }),
      hours: fc.constantFrom(ALL_HOURS, DAYTIME, ALL_HOURS & ~DAYTIME),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryWorker, { minLength: 1, maxLength: 120 }),
        fc.array(fc.tuple(fc.nat(119), arbitraryWorker), { maxLength: 20 }),
        fc.constantFrom(...categories),
        fc.subarray(skills, { maxLength: 2 }),
        fc.integer({ min: 1, max: 30 }),
        (workers, changes, category, required, size) => {
          const toWorker = (w: (typeof workers)[number], id: string): MatchWorker => ({
            id,
            lng: centre.lng + w.dx / 96.2,
            lat: centre.lat + w.dy / 110.574,
            radiusKm: w.radiusKm,
            categories: w.categories,
            skills: w.skills,
            reliability: w.reliability,
            weekHours: everyDay(w.hours),
          });
          const index = new WorkerIndex(
            workers.map((w, i) => toWorker(w, `w${i}`)),
            centre,
          );
          for (const [target, change] of changes) index.upsert(toWorker(change, `w${target}`));
          const query = { ...job, category, skills: required };
          const booked = (id: string) => id.endsWith('7');
          expect(index.firstWave(query, size, booked)).toEqual(index.firstWaveByScan(query, size, booked));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('JobIndex.feed', () => {
  it('lists eligible open jobs within reach, nearby first then better paid, and drops removed ones', () => {
    const at = (dxKm: number) => centre.lng + dxKm / (111.32 * Math.cos((centre.lat * Math.PI) / 180));
    const index = new WorkerIndex([], centre);
    const jobs = new JobIndex(index.projection, [
      { ...job, id: 'close-cheap', lng: at(0.7), wagePerHourFen: 2000 },
      { ...job, id: 'close-rich', lng: at(0.6), wagePerHourFen: 3000 },
      { ...job, id: 'farther', lng: at(4), wagePerHourFen: 9000 },
      { ...job, id: 'out-of-reach', lng: at(30) },
      { ...job, id: 'other-trade', category: 'moving' },
      { ...job, id: 'needs-driver', skills: ['drive'] },
    ]);
    const me = worker('me', 0, { radiusKm: 20 });
    expect(jobs.feed(me, 10).map((entry) => entry.id)).toEqual(['close-rich', 'close-cheap', 'farther']);
    jobs.remove('close-rich');
    jobs.upsert({ ...job, id: 'new', lng: at(0.1), wagePerHourFen: 2100 });
    expect(jobs.feed(me, 10).map((entry) => entry.id)).toEqual(['new', 'close-cheap', 'farther']);
    expect(jobs.feed(me, 10)).toEqual(jobs.feedByScan(me, 10));
    // A changed job far out does not crowd out a nearer one the tree has yet to reach.
    jobs.upsert({ ...job, id: 'changed-far', lng: at(8), wagePerHourFen: 9999 });
    expect(jobs.feed(me, 1).map((entry) => entry.id)).toEqual(['new']);
    jobs.remove('new');
    jobs.remove('close-cheap');
    expect(jobs.feed(me, 1).map((entry) => entry.id)).toEqual(['farther']);
  });

  it('answers exactly what a scan of every job answers, with changes pending (property)', () => {
    const categories = ['cleaning', 'moving', 'kitchen'];
    const arbitraryJob = fc.record({
      dx: fc.double({ min: -40, max: 40, noNaN: true }),
      dy: fc.double({ min: -40, max: 40, noNaN: true }),
      category: fc.constantFrom(...categories),
      skills: fc.subarray(['mop', 'lift']),
      wage: fc.integer({ min: 1500, max: 5000 }),
      day: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbitraryJob, { minLength: 1, maxLength: 150 }),
        fc.array(fc.tuple(fc.nat(149), arbitraryJob), { maxLength: 30 }),
        fc.subarray(categories, { minLength: 1 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        (initial, changes, mine, radiusKm, limit) => {
          const toJob = (j: (typeof initial)[number], id: string): MatchJob => ({
            ...job,
            id,
            lng: centre.lng + j.dx / 96.2,
            lat: centre.lat + j.dy / 110.574,
            category: j.category,
            skills: j.skills,
            wagePerHourFen: j.wage,
            shiftStart: new Date(mondayShift.shiftStart.getTime() + j.day * 86_400_000),
            shiftEnd: new Date(mondayShift.shiftEnd.getTime() + j.day * 86_400_000),
          });
          const jobs = new JobIndex(
            new WorkerIndex([], centre).projection,
            initial.map((j, i) => toJob(j, `j${i}`)),
          );
          for (const [target, change] of changes) jobs.upsert(toJob(change, `j${target}`));
          const me = worker('me', 0, { radiusKm, categories: mine, skills: ['mop'], weekHours: WEEKDAYS });
          expect(jobs.feed(me, limit)).toEqual(jobs.feedByScan(me, limit));
        },
      ),
      { numRuns: 200 },
    );
  });
});

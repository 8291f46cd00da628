import KDBush from 'kdbush';

/**
 * Matching for the gig market (零工市场): which workers a new job is pushed to first, and the order
 * of a worker's feed of open jobs. Both follow one definition, shared by the indexed path and the
 * plain scan the tests and the benchmark compare it with:
 *
 * - **eligible**: the worker takes the job's category, has every skill it requires, is available
 *   (weekly hours, Asia/Shanghai) for the whole shift, is not booked then, and the site is within
 *   the worker's travel radius (at most 50 km);
 * - **order**: nearby first — by distance ring (0.5, 1, 2, 3, 5, 10, 20, 50 km) — then, within a ring, by
 *   score (reliability 0–100 plus up to 20 for closeness; for the feed, the hourly wage), then id.
 *
 * Workers and jobs live in memory in columns (a million workers take about 100 MB) with a k-d tree
 * over their positions in a local kilometre grid; changes go to a small overflow that every query
 * also scans, and the tree is rebuilt once the overflow grows.
 */
/** Fine near (a dense street has hundreds of workers within a kilometre), coarse far. */
export const RINGS_KM = [0.5, 1, 2, 3, 5, 10, 20, 50] as const;
const MAX_RADIUS_KM = RINGS_KM.at(-1)!;
const KM_PER_DEGREE_LAT = 110.574;
const KM_PER_DEGREE_LNG_AT_EQUATOR = 111.32;
const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const HOURS_MASK = 0xffffff;

export interface MatchWorker {
  id: string;
  lng: number;
  lat: number;
  /** How far the worker will go, km (capped at 50). */
  radiusKm: number;
  categories: readonly string[];
  skills: readonly string[];
  /** 0–100: drops with no-shows and late cancellations. */
  reliability: number;
  /** Per weekday (0 = Monday … 6 = Sunday), a 24-bit mask of the local hours the worker can work. */
  weekHours: readonly number[];
}

export interface MatchJob {
  id: string;
  lng: number;
  lat: number;
  category: string;
  /** Skills the job requires (all of them). */
  skills: readonly string[];
  /** The shift the wave is for (the first, for a job of several). */
  shiftStart: Date;
  shiftEnd: Date;
  /** Hourly wage (or its equivalent) in fen: ranks the feed within a ring. */
  wagePerHourFen: number;
}

export interface Ranked {
  id: string;
  distanceKm: number;
  /** Index into {@link RINGS_KM}. */
  ring: number;
  score: number;
}

/** Names (categories, skills) → bits; a market has a few dozen of each. */
export class Vocabulary {
  readonly #bits = new Map<string, number>();

  constructor(private readonly limit: number) {}

  bit(name: string): number {
    let bit = this.#bits.get(name);
    if (bit === undefined) {
      if (this.#bits.size >= this.limit) throw new RangeError(`more than ${this.limit} distinct names`);
      bit = this.#bits.size;
      this.#bits.set(name, bit);
    }
    return bit;
  }

  /** The names as a bit set (two 32-bit words). */
  mask(names: readonly string[]): [number, number] {
    let low = 0;
    let high = 0;
    for (const name of names) {
      const bit = this.bit(name);
      if (bit < 32) low |= 1 << bit;
      else high |= 1 << (bit - 32);
    }
    return [low >>> 0, high >>> 0];
  }
}

/** A local kilometre grid around a centre: distances are exact in it, and the same for every path. */
export class Projection {
  readonly #kmPerDegreeLng: number;

  constructor(
    readonly lng0: number,
    readonly lat0: number,
  ) {
    this.#kmPerDegreeLng = KM_PER_DEGREE_LNG_AT_EQUATOR * Math.cos((lat0 * Math.PI) / 180);
  }

  x(lng: number): number {
    return (lng - this.lng0) * this.#kmPerDegreeLng;
  }

  y(lat: number): number {
    return (lat - this.lat0) * KM_PER_DEGREE_LAT;
  }
}

function ringOf(distanceKm: number): number {
  for (let ring = 0; ring < RINGS_KM.length; ring++) if (distanceKm <= RINGS_KM[ring]!) return ring;
  return -1;
}

/** The local hours a shift needs, per weekday: [[day, mask], …] (a night shift spans two days). */
export function shiftHours(start: Date, end: Date): Array<[number, number]> {
  const needs = new Map<number, number>();
  // Whole hours the shift touches, in Shanghai time; a shift shorter than a day.
  const first = Math.floor((start.getTime() + SHANGHAI_OFFSET_MS) / 3600_000);
  const last = Math.ceil((end.getTime() + SHANGHAI_OFFSET_MS) / 3600_000);
  for (let hour = first; hour < last && hour < first + 24; hour++) {
    const dayNumber = Math.floor(hour / 24);
    // 1970-01-01 was a Thursday: day 3 when Monday is 0.
    const weekday = (dayNumber + 3) % 7;
    needs.set(weekday, (needs.get(weekday) ?? 0) | (1 << (hour % 24)));
  }
  return [...needs.entries()];
}

/** The job as the matcher checks it: masks and needed hours computed once per query. */
interface JobQuery {
  x: number;
  y: number;
  category: [number, number];
  skills: [number, number];
  hours: Array<[number, number]>;
}

function compareRanked(a: Ranked, b: Ranked): number {
  return a.ring - b.ring || b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * The workers of a market, indexed for "who gets this job first". Not safe to share between
 * processes: each keeps its own copy, fed from the database and the module's changes.
 */
export class WorkerIndex {
  readonly projection: Projection;
  readonly categories = new Vocabulary(64);
  readonly skills = new Vocabulary(64);
  #ids: string[] = [];
  #x = new Float64Array(0);
  #y = new Float64Array(0);
  #radius = new Float32Array(0);
  #reliability = new Uint8Array(0);
  #categoryLow = new Uint32Array(0);
  #categoryHigh = new Uint32Array(0);
  #skillLow = new Uint32Array(0);
  #skillHigh = new Uint32Array(0);
  #hours = new Uint32Array(0);
  #alive = new Uint8Array(0);
  #size = 0;
  /** One tree per category (a worker is in the tree of each trade they take), with its slots. */
  #trees = new Map<number, { tree: KDBush; slots: Uint32Array }>();
  /** Slots added or moved since the tree was built: scanned by every query. */
  #overflow: number[] = [];
  readonly #slotOf = new Map<string, number>();

  constructor(workers: readonly MatchWorker[], centre?: { lng: number; lat: number }) {
    const lng0 =
      centre?.lng ?? (workers.length ? workers.reduce((s, w) => s + w.lng, 0) / workers.length : 120);
    const lat0 =
      centre?.lat ?? (workers.length ? workers.reduce((s, w) => s + w.lat, 0) / workers.length : 30);
    this.projection = new Projection(lng0, lat0);
    this.#grow(Math.max(16, workers.length));
    for (const worker of workers) this.#put(worker);
    this.rebuild();
  }

  get size(): number {
    return this.#slotOf.size;
  }

  /** Adds or changes a worker (location, radius, skills, availability, reliability). */
  upsert(worker: MatchWorker): void {
    const old = this.#slotOf.get(worker.id);
    if (old !== undefined) this.#alive[old] = 0;
    const slot = this.#put(worker);
    this.#overflow.push(slot);
    if (this.#overflow.length > Math.max(1000, this.#slotOf.size / 100)) this.rebuild();
  }

  remove(id: string): void {
    const slot = this.#slotOf.get(id);
    if (slot === undefined) return;
    this.#alive[slot] = 0;
    this.#slotOf.delete(id);
  }

  /** Compacts the columns and builds the tree again (done by itself as changes pile up). */
  rebuild(): void {
    const live: number[] = [];
    for (let slot = 0; slot < this.#size; slot++) if (this.#alive[slot]) live.push(slot);
    if (live.length !== this.#size) this.#compact(live);
    const members = new Map<number, number[]>();
    for (let slot = 0; slot < this.#size; slot++)
      for (let bit = 0; bit < 64; bit++) {
        const word = bit < 32 ? this.#categoryLow[slot]! : this.#categoryHigh[slot]!;
        if ((word >>> (bit % 32)) & 1) {
          let list = members.get(bit);
          if (!list) members.set(bit, (list = []));
          list.push(slot);
        }
      }
    this.#trees = new Map();
    for (const [bit, slots] of members) {
      const tree = new KDBush(slots.length, 64, Float64Array);
      for (const slot of slots) tree.add(this.#x[slot]!, this.#y[slot]!);
      tree.finish();
      this.#trees.set(bit, { tree, slots: Uint32Array.from(slots) });
    }
    this.#overflow = [];
  }

  /**
   * The best `size` eligible workers for the job, nearby rings first. `isBooked` says whether a
   * worker already has a shift then (hires are the module's to know).
   */
  firstWave(job: MatchJob, size: number, isBooked: (workerId: string) => boolean = () => false): Ranked[] {
    const query = this.#query(job);
    const found: Ranked[] = [];
    const trade = this.#trees.get(this.categories.bit(job.category));
    for (let ring = 0; ring < RINGS_KM.length && found.length < size; ring++) {
      // The tree answers the whole disc; only this ring's band counts (inner ones were taken).
      // Overflow slots are never in the tree, so nothing is counted twice.
      const inRing: Ranked[] = [];
      const inner = ring === 0 ? -1 : RINGS_KM[ring - 1]! * RINGS_KM[ring - 1]!;
      const consider = (slot: number) => {
        // Inner rings were scored already: skip them on the squared distance alone.
        const dx = this.#x[slot]! - query.x;
        const dy = this.#y[slot]! - query.y;
        if (dx * dx + dy * dy <= inner) return;
        const candidate = this.#rank(slot, query, isBooked);
        if (candidate && candidate.ring === ring) inRing.push(candidate);
      };
      if (trade)
        for (const position of trade.tree.within(query.x, query.y, RINGS_KM[ring]!))
          consider(trade.slots[position]!);
      for (const slot of this.#overflow) consider(slot);
      inRing.sort(compareRanked);
      found.push(...inRing.slice(0, size - found.length));
    }
    return found;
  }

  /** The same answer by looking at every worker: the baseline and the test oracle. */
  firstWaveByScan(
    job: MatchJob,
    size: number,
    isBooked: (workerId: string) => boolean = () => false,
  ): Ranked[] {
    const query = this.#query(job);
    const all: Ranked[] = [];
    for (let slot = 0; slot < this.#size; slot++) {
      const candidate = this.#rank(slot, query, isBooked);
      if (candidate) all.push(candidate);
    }
    return all.sort(compareRanked).slice(0, size);
  }

  #query(job: MatchJob): JobQuery {
    return {
      x: this.projection.x(job.lng),
      y: this.projection.y(job.lat),
      category: this.categories.mask([job.category]),
      skills: this.skills.mask(job.skills),
      hours: shiftHours(job.shiftStart, job.shiftEnd),
    };
  }

  #rank(slot: number, query: JobQuery, isBooked: (workerId: string) => boolean): Ranked | undefined {
    if (!this.#alive[slot]) return undefined;
    if (
      (this.#categoryLow[slot]! & query.category[0]) === 0 &&
      (this.#categoryHigh[slot]! & query.category[1]) === 0
    )
      return undefined;
    if ((query.skills[0] & ~this.#skillLow[slot]!) !== 0 || (query.skills[1] & ~this.#skillHigh[slot]!) !== 0)
      return undefined;
    const dx = this.#x[slot]! - query.x;
    const dy = this.#y[slot]! - query.y;
    // Not Math.hypot: several times slower in V8, and both paths must compute the very same value.
    const distanceKm = Math.sqrt(dx * dx + dy * dy);
    if (distanceKm > this.#radius[slot]!) return undefined;
    const ring = ringOf(distanceKm);
    if (ring < 0) return undefined;
    for (const [day, mask] of query.hours)
      if ((this.#hours[slot * 7 + day]! & mask) !== mask) return undefined;
    const id = this.#ids[slot]!;
    if (isBooked(id)) return undefined;
    const score = this.#reliability[slot]! + 20 * (1 - distanceKm / RINGS_KM[ring]!);
    return { id, distanceKm, ring, score };
  }

  #put(worker: MatchWorker): number {
    if (this.#size === this.#ids.length) this.#grow(this.#size * 2);
    const slot = this.#size++;
    const [categoryLow, categoryHigh] = this.categories.mask(worker.categories);
    const [skillLow, skillHigh] = this.skills.mask(worker.skills);
    this.#ids[slot] = worker.id;
    this.#x[slot] = this.projection.x(worker.lng);
    this.#y[slot] = this.projection.y(worker.lat);
    this.#radius[slot] = Math.min(MAX_RADIUS_KM, Math.max(0, worker.radiusKm));
    this.#reliability[slot] = Math.max(0, Math.min(100, Math.round(worker.reliability)));
    this.#categoryLow[slot] = categoryLow;
    this.#categoryHigh[slot] = categoryHigh;
    this.#skillLow[slot] = skillLow;
    this.#skillHigh[slot] = skillHigh;
    for (let day = 0; day < 7; day++) this.#hours[slot * 7 + day] = (worker.weekHours[day] ?? 0) & HOURS_MASK;
    this.#alive[slot] = 1;
    this.#slotOf.set(worker.id, slot);
    return slot;
  }

  #grow(capacity: number): void {
    const grow = <T extends Float64Array | Float32Array | Uint8Array | Uint32Array>(
      old: T,
      make: (n: number) => T,
      per = 1,
    ): T => {
      const next = make(capacity * per);
      next.set(old);
      return next;
    };
    this.#x = grow(this.#x, (n) => new Float64Array(n));
    this.#y = grow(this.#y, (n) => new Float64Array(n));
    this.#radius = grow(this.#radius, (n) => new Float32Array(n));
    this.#reliability = grow(this.#reliability, (n) => new Uint8Array(n));
    this.#categoryLow = grow(this.#categoryLow, (n) => new Uint32Array(n));
    this.#categoryHigh = grow(this.#categoryHigh, (n) => new Uint32Array(n));
    this.#skillLow = grow(this.#skillLow, (n) => new Uint32Array(n));
    this.#skillHigh = grow(this.#skillHigh, (n) => new Uint32Array(n));
    this.#hours = grow(this.#hours, (n) => new Uint32Array(n), 7);
    this.#alive = grow(this.#alive, (n) => new Uint8Array(n));
    this.#ids.length = capacity;
  }

  #compact(live: number[]): void {
    const move = <T extends Float64Array | Float32Array | Uint8Array | Uint32Array>(
      column: T,
      per = 1,
    ): void => {
      live.forEach((slot, to) => {
        for (let k = 0; k < per; k++) column[to * per + k] = column[slot * per + k]!;
      });
    };
    move(this.#x);
    move(this.#y);
    move(this.#radius);
    move(this.#reliability);
    move(this.#categoryLow);
    move(this.#categoryHigh);
    move(this.#skillLow);
    move(this.#skillHigh);
    move(this.#hours, 7);
    const ids = live.map((slot) => this.#ids[slot]!);
    this.#slotOf.clear();
    ids.forEach((id, slot) => {
      this.#ids[slot] = id;
      this.#slotOf.set(id, slot);
    });
    this.#alive.fill(0);
    this.#alive.fill(1, 0, live.length);
    this.#size = live.length;
  }
}

/**
 * The open jobs of a market, indexed for a worker's feed: eligible jobs within the worker's radius,
 * nearby rings first, then the better paid, then id.
 */
export class JobIndex {
  readonly #jobs = new Map<string, MatchJob & { x: number; y: number; hours: Array<[number, number]> }>();
  /** One tree per category, with the job ids in tree order. */
  #trees = new Map<string, { tree: KDBush; ids: string[] }>();
  #overflow = new Set<string>();

  constructor(
    readonly projection: Projection,
    jobs: readonly MatchJob[] = [],
  ) {
    for (const job of jobs) this.#put(job);
    this.rebuild();
  }

  get size(): number {
    return this.#jobs.size;
  }

  upsert(job: MatchJob): void {
    this.#put(job);
    this.#overflow.add(job.id);
    if (this.#overflow.size > Math.max(200, this.#jobs.size / 50)) this.rebuild();
  }

  /** A job filled, closed or cancelled leaves the feed at once. */
  remove(id: string): void {
    this.#jobs.delete(id);
    this.#overflow.delete(id);
  }

  rebuild(): void {
    const byCategory = new Map<string, string[]>();
    for (const job of this.#jobs.values()) {
      let ids = byCategory.get(job.category);
      if (!ids) byCategory.set(job.category, (ids = []));
      ids.push(job.id);
    }
    this.#trees = new Map();
    for (const [category, ids] of byCategory) {
      const tree = new KDBush(ids.length, 64, Float64Array);
      for (const id of ids) {
        const job = this.#jobs.get(id)!;
        tree.add(job.x, job.y);
      }
      tree.finish();
      this.#trees.set(category, { tree, ids });
    }
    this.#overflow.clear();
  }

  /** The worker's best `limit` open jobs: ring by ring out to their radius, until the feed is full. */
  feed(worker: MatchWorker, limit: number, isBooked: (job: MatchJob) => boolean = () => false): Ranked[] {
    const x = this.projection.x(worker.lng);
    const y = this.projection.y(worker.lat);
    const radius = Math.min(MAX_RADIUS_KM, worker.radiusKm);
    const seen = new Set<string>();
    const found: Ranked[] = [];
    const consider = (id: string | undefined) => {
      if (id === undefined || seen.has(id)) return;
      const job = this.#jobs.get(id);
      if (!job) return;
      const ranked = rankJob(job, worker, x, y, radius, isBooked);
      if (ranked) {
        seen.add(id);
        found.push(ranked);
      }
    };
    const trees = worker.categories.flatMap((category) => this.#trees.get(category) ?? []);
    for (let ring = 0; ring < RINGS_KM.length; ring++) {
      const reach = Math.min(radius, RINGS_KM[ring]!);
      for (const { tree, ids } of trees) for (const index of tree.within(x, y, reach)) consider(ids[index]);
      for (const id of this.#overflow) consider(id);
      // Everything up to this ring is in hand; enough of it fills the feed (changed jobs from the
      // overflow may lie farther out and do not count).
      if (reach >= radius || found.filter((entry) => entry.ring <= ring).length >= limit) break;
    }
    return found.sort(compareRanked).slice(0, limit);
  }

  /** The same answer by looking at every open job. */
  feedByScan(
    worker: MatchWorker,
    limit: number,
    isBooked: (job: MatchJob) => boolean = () => false,
  ): Ranked[] {
    const x = this.projection.x(worker.lng);
    const y = this.projection.y(worker.lat);
    const radius = Math.min(MAX_RADIUS_KM, worker.radiusKm);
    const found: Ranked[] = [];
    for (const job of this.#jobs.values()) {
      const ranked = rankJob(job, worker, x, y, radius, isBooked);
      if (ranked) found.push(ranked);
    }
    return found.sort(compareRanked).slice(0, limit);
  }

  #put(job: MatchJob): void {
    this.#jobs.set(job.id, {
      ...job,
      x: this.projection.x(job.lng),
      y: this.projection.y(job.lat),
      hours: shiftHours(job.shiftStart, job.shiftEnd),
    });
  }
}

function rankJob(
  job: MatchJob & { x: number; y: number; hours: Array<[number, number]> },
  worker: MatchWorker,
  x: number,
  y: number,
  radius: number,
  isBooked: (job: MatchJob) => boolean,
): Ranked | undefined {
  if (!worker.categories.includes(job.category)) return undefined;
  if (!job.skills.every((skill) => worker.skills.includes(skill))) return undefined;
  const distanceKm = Math.sqrt((job.x - x) * (job.x - x) + (job.y - y) * (job.y - y));
  if (distanceKm > radius) return undefined;
  const ring = ringOf(distanceKm);
  if (ring < 0) return undefined;
  for (const [day, mask] of job.hours) if (((worker.weekHours[day] ?? 0) & mask) !== mask) return undefined;
  if (isBooked(job)) return undefined;
  return { id: job.id, distanceKm, ring, score: job.wagePerHourFen };
}

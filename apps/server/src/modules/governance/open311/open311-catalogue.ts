import {
  CATEGORIES,
  categoryOf,
  LINKAGE_ZH,
  SEVERITIES,
  SEVERITY_ZH,
  UNIT_TYPE_ZH,
  type CategoryCode,
  type CategoryDefinition,
  type Linkage,
  type SlaClock,
  type UnitType,
} from '@jiedao/contracts/constants';
import type { FieldProblem } from '../../../platform/errors.js';
import { parseW3cDateTime, type Locale } from './open311-params.js';

/**
 * The Open311 services: one per category of the command center's taxonomy, with the attributes
 * (GeoReport "service definition") that help the unit that will handle it. Attributes are kept few
 * and concrete — what a dispatcher would otherwise phone the reporter back to ask. Pure data and
 * pure checks; nothing here touches the database.
 */
export type { Locale };
type Text = Readonly<Record<Locale, string>>;

export const ATTRIBUTE_DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type AttributeDatatype = (typeof ATTRIBUTE_DATATYPES)[number];

export interface AttributeSpec {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  /** False: shown to the reporter as information only, never an input (GeoReport's `variable`). */
  variable: boolean;
  /** The question put to the reporter. */
  description: Text;
  /** Short name of the answer in the case text staff read. */
  label: Text;
  datatypeDescription?: Text;
  values?: ReadonlyArray<{ key: string; name: Text }>;
  min?: number;
  max?: number;
  maxLength?: number;
  /** Normalizes a string answer, then checks it (plates are written many ways). */
  format?: { normalize: (value: string) => string; pattern: RegExp };
}

const t = (zh: string, en: string): Text => ({ zh, en });

const SEVERITY_EN: Record<(typeof SEVERITIES)[number], string> = {
  critical: 'Critical',
  high: 'Serious',
  medium: 'Moderate',
  low: 'Minor',
};

/** Every service asks how urgent the reporter thinks it is; a dispatcher may re-grade it on intake. */
const SEVERITY_HINT: AttributeSpec = {
  code: 'severity_hint',
  datatype: 'singlevaluelist',
  required: false,
  variable: true,
  description: t('您认为情况有多紧急？', 'How serious is it, in your view?'),
  label: t('紧急程度（报告人判断）', 'Severity (reporter’s view)'),
  values: SEVERITIES.map((severity) => ({
    key: severity,
    name: t(SEVERITY_ZH[severity], SEVERITY_EN[severity]),
  })),
};

const OBSERVED_AT: AttributeSpec = {
  code: 'observed_at',
  datatype: 'datetime',
  required: false,
  variable: true,
  description: t('最早发现的时间', 'When did you first notice it?'),
  label: t('发现时间', 'Noticed at'),
  datatypeDescription: t('ISO 8601，含时区，如 2026-11-29T08:30:00+08:00', 'ISO 8601 with a time zone'),
};

const emergencyNotice = (number: string): AttributeSpec => ({
  code: 'emergency_notice',
  datatype: 'string',
  required: false,
  variable: false,
  description: t(
    `本渠道非紧急报警渠道。正在发生的险情请立即拨打 ${number}。`,
    `This is not an emergency line. If it is happening now, call ${number} first.`,
  ),
  label: t('提示', 'Notice'),
});

/** Chinese plates: province character, issuing-office letter, 5 characters (6 for new-energy cars). */
const PLATE = /^[\u4e00-\u9fa5][A-Z][A-Z0-9]{5,6}$/;

const SPECIFIC: Partial<Record<CategoryCode, readonly AttributeSpec[]>> = {
  noise: [
    {
      code: 'time_of_day',
      datatype: 'singlevaluelist',
      required: true,
      variable: true,
      description: t('噪声出现在什么时段？', 'When does the noise happen?'),
      label: t('时段', 'Time of day'),
      values: [
        { key: 'day', name: t('白天（6:00–22:00）', 'Daytime (6:00–22:00)') },
        { key: 'night', name: t('夜间（22:00–6:00）', 'Night (22:00–6:00)') },
      ],
    },
    {
      code: 'noise_source',
      datatype: 'singlevaluelist',
      required: false,
      variable: true,
      description: t('噪声来自哪里？', 'Where does it come from?'),
      label: t('噪声来源', 'Source'),
      values: [
        { key: 'construction', name: t('建筑施工', 'Construction') },
        { key: 'business', name: t('商业经营', 'A business') },
        { key: 'household', name: t('居民生活', 'A household') },
        { key: 'traffic', name: t('交通', 'Traffic') },
      ],
    },
  ],
  illegal_parking: [
    {
      code: 'plate',
      datatype: 'string',
      required: false,
      variable: true,
      description: t('车牌号码（如能看清）', 'Number plate, if you can read it'),
      label: t('车牌号码', 'Plate'),
      datatypeDescription: t('如 浙A12345', 'e.g. 浙A12345'),
      maxLength: 12,
      format: { normalize: (value) => value.replace(/[\s·•.-]/g, '').toUpperCase(), pattern: PLATE },
    },
    {
      code: 'obstructs',
      datatype: 'singlevaluelist',
      required: false,
      variable: true,
      description: t('车辆占用了什么？', 'What is the car blocking?'),
      label: t('占用位置', 'Blocking'),
      values: [
        { key: 'fire_lane', name: t('消防通道', 'A fire lane') },
        { key: 'sidewalk', name: t('人行道或盲道', 'The pavement') },
        { key: 'entrance', name: t('出入口', 'An entrance') },
        { key: 'roadway', name: t('车行道', 'The roadway') },
      ],
    },
  ],
  elderly_help: [
    {
      code: 'help_type',
      datatype: 'singlevaluelist',
      required: true,
      variable: true,
      description: t('需要哪方面的帮助？', 'What help is needed?'),
      label: t('求助类型', 'Help needed'),
      values: [
        { key: 'meals', name: t('助餐', 'Meals') },
        { key: 'medical', name: t('就医协助', 'Getting to a doctor') },
        { key: 'daily_care', name: t('生活照料', 'Daily care') },
        { key: 'check_on', name: t('上门探视', 'A visit to check on them') },
        { key: 'other', name: t('其他', 'Other') },
      ],
    },
    {
      code: 'resident_age',
      datatype: 'number',
      required: false,
      variable: true,
      description: t('老人年龄', 'Age of the elderly resident'),
      label: t('老人年龄', 'Age'),
      datatypeDescription: t('整数，岁', 'Whole years'),
      min: 0,
      max: 130,
    },
    {
      code: 'lives_alone',
      datatype: 'singlevaluelist',
      required: false,
      variable: true,
      description: t('老人是否独居？', 'Do they live alone?'),
      label: t('是否独居', 'Lives alone'),
      values: [
        { key: 'yes', name: t('是', 'Yes') },
        { key: 'no', name: t('否', 'No') },
      ],
    },
  ],
  road_facility: [
    {
      code: 'facility_type',
      datatype: 'singlevaluelist',
      required: true,
      variable: true,
      description: t('哪类设施损坏？', 'What is damaged?'),
      label: t('设施类型', 'Facility'),
      values: [
        { key: 'streetlight', name: t('路灯', 'Street light') },
        { key: 'manhole', name: t('井盖', 'Manhole cover') },
        { key: 'road_surface', name: t('路面', 'Road surface') },
        { key: 'railing', name: t('护栏', 'Railing') },
        { key: 'sign', name: t('标志标牌', 'Sign') },
        { key: 'other', name: t('其他', 'Other') },
      ],
    },
  ],
  water_leak: [
    {
      code: 'leak_location',
      datatype: 'singlevaluelist',
      required: false,
      variable: true,
      description: t('漏水位置', 'Where is the leak?'),
      label: t('漏水位置', 'Leak at'),
      values: [
        { key: 'indoor', name: t('室内', 'Indoors') },
        { key: 'stairwell', name: t('楼道', 'Stairwell') },
        { key: 'basement', name: t('地下室或车库', 'Basement or garage') },
        { key: 'outdoor_pipe', name: t('室外管道', 'Outdoor pipe') },
      ],
    },
  ],
  sanitation: [
    {
      code: 'waste_type',
      datatype: 'multivaluelist',
      required: false,
      variable: true,
      description: t('是什么问题？（可多选）', 'What is the problem? (any that apply)'),
      label: t('问题类型', 'Problem'),
      values: [
        { key: 'household', name: t('生活垃圾', 'Household rubbish') },
        { key: 'construction', name: t('建筑垃圾', 'Building waste') },
        { key: 'bulky', name: t('大件垃圾', 'Bulky items') },
        { key: 'odour', name: t('异味', 'Smell') },
      ],
    },
  ],
  labour_dispute: [
    {
      code: 'workers_affected',
      datatype: 'number',
      required: false,
      variable: true,
      description: t('涉及人数', 'How many workers are affected?'),
      label: t('涉及人数', 'Workers'),
      min: 1,
      max: 10_000,
    },
    {
      code: 'employer',
      datatype: 'string',
      required: false,
      variable: true,
      description: t('用工单位名称', 'Name of the employer'),
      label: t('用工单位', 'Employer'),
      maxLength: 100,
    },
  ],
  fire: [emergencyNotice('119'), OBSERVED_AT],
  gas_leak: [emergencyNotice('119'), OBSERVED_AT],
  electrical_hazard: [OBSERVED_AT],
  safety_hazard: [OBSERVED_AT],
  public_order: [emergencyNotice('110'), OBSERVED_AT],
  traffic_accident: [emergencyNotice('110')],
  intrusion: [emergencyNotice('110')],
};

const LINKAGE_EN: Record<Linkage, string> = {
  security_patrol: 'Joint security patrol',
  dispute_mediation: 'Dispute mediation',
  problem_governance: 'Problem governance',
  key_work: 'Key work',
  service_management: 'Service management',
  safety_creation: 'Safety creation',
};

const UNIT_TYPE_EN: Record<UnitType, string> = {
  police: 'the police',
  fire: 'the fire service',
  urban_management: 'urban management',
  community: 'the residents’ committee',
  property: 'the property manager',
  mediation: 'the mediation committee',
  market_supervision: 'market supervision',
  emergency: 'emergency management',
};

/** Words residents use for the category besides its name, so a client's search finds it. */
const KEYWORDS: Partial<Record<CategoryCode, string>> = {
  noise: '噪音, 吵闹, 扰民',
  illegal_parking: '乱停车, 占道停车, parking',
  sanitation: '垃圾, 卫生, 异味, rubbish',
  road_facility: '路灯, 井盖, 路面, streetlight, pothole',
  water_leak: '漏水, 爆管, leak',
  elderly_help: '老人, 独居, 助老',
  street_vending: '摊贩, 占道经营',
  illegal_construction: '违建, 搭建',
  neighbour_dispute: '邻里, 纠纷',
  labour_dispute: '欠薪, 工资',
  property_dispute: '物业',
  consumer_complaint: '消费, 退款, 商家',
};

// Wire shapes are type aliases, not interfaces: only those fit XmlValue's index signature.
export type Open311Service = {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
};

export type Open311Attribute = {
  variable: boolean;
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
};

export type Open311ServiceDefinition = {
  service_code: string;
  attributes: Open311Attribute[];
};

/** A category Open311 clients may report under, or undefined. */
export function findService(code: string): CategoryDefinition | undefined {
  return categoryOf(code);
}

export function serviceName(category: CategoryDefinition, locale: Locale): string {
  return locale === 'en' ? category.en : category.zh;
}

export function attributesOf(code: string): readonly AttributeSpec[] {
  return [...(SPECIFIC[code as CategoryCode] ?? []), SEVERITY_HINT];
}

function unitsText(category: CategoryDefinition, locale: Locale): string {
  return locale === 'en'
    ? category.units.map((unit) => UNIT_TYPE_EN[unit]).join(', ')
    : category.units.map((unit) => UNIT_TYPE_ZH[unit]).join('、');
}

export function listServices(locale: Locale): Open311Service[] {
  return CATEGORIES.map((category) => {
    const notice = SPECIFIC[category.code]?.find((attribute) => !attribute.variable);
    const handled =
      locale === 'en'
        ? `${category.en}: handled by ${unitsText(category, locale)}.`
        : `${category.zh}：由${unitsText(category, locale)}处置。`;
    return {
      service_code: category.code,
      service_name: serviceName(category, locale),
      description: notice ? `${handled} ${notice.description[locale]}` : handled,
      metadata: attributesOf(category.code).length > 0,
      type: 'realtime' as const,
      keywords: [category.zh, category.en.toLowerCase(), KEYWORDS[category.code]].filter(Boolean).join(', '),
      group: locale === 'en' ? LINKAGE_EN[category.linkage] : LINKAGE_ZH[category.linkage],
    };
  });
}

export function serviceDefinition(code: string, locale: Locale): Open311ServiceDefinition | undefined {
  if (!findService(code)) return undefined;
  return {
    service_code: code,
    attributes: attributesOf(code).map((spec, index) => ({
      variable: spec.variable,
      code: spec.code,
      datatype: spec.datatype,
      required: spec.required,
      datatype_description: spec.datatypeDescription?.[locale] ?? null,
      order: index + 1,
      description: spec.description[locale],
      ...(spec.values
        ? { values: spec.values.map((value) => ({ key: value.key, name: value.name[locale] })) }
        : {}),
    })),
  };
}

/** A checked answer to one attribute. */
export interface AttributeAnswer {
  spec: AttributeSpec;
  /** The stored form: a number, the normalized text, or the chosen keys. */
  value: number | string | string[];
}

/**
 * Checks the `attribute[code]` values of a request against the service's definition: unknown codes,
 * missing required ones, datatypes, list membership. Informational (non-variable) attributes are
 * ignored if a client echoes them back. Problems name the form field as the client sent it.
 */
export function checkAttributes(
  code: string,
  given: ReadonlyMap<string, readonly string[]>,
): { answers: AttributeAnswer[]; problems: FieldProblem[] } {
  const specs = attributesOf(code);
  const byCode = new Map(specs.map((spec) => [spec.code, spec]));
  const answers: AttributeAnswer[] = [];
  const problems: FieldProblem[] = [];
  for (const name of given.keys())
    if (!byCode.has(name))
      problems.push({ field: `attribute[${name}]`, message: `is not an attribute of service ${code}` });
  for (const spec of specs) {
    if (!spec.variable) continue;
    const field = `attribute[${spec.code}]`;
    const values = (given.get(spec.code) ?? []).map((value) => value.trim()).filter((value) => value !== '');
    if (values.length === 0) {
      if (spec.required) problems.push({ field, message: 'is required' });
      continue;
    }
    if (spec.datatype !== 'multivaluelist' && values.length > 1) {
      problems.push({ field, message: 'takes one value' });
      continue;
    }
    const value = values[0]!;
    switch (spec.datatype) {
      case 'number': {
        const number = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isFinite(number)) problems.push({ field, message: 'must be a number' });
        else if (spec.min !== undefined && number < spec.min)
          problems.push({ field, message: `must be at least ${spec.min}` });
        else if (spec.max !== undefined && number > spec.max)
          problems.push({ field, message: `must be at most ${spec.max}` });
        else answers.push({ spec, value: number });
        break;
      }
      case 'datetime': {
        const parsed = parseW3cDateTime(value);
        if (!parsed) problems.push({ field, message: 'must be a W3C date-time with a time zone' });
        else answers.push({ spec, value: parsed.toISOString() });
        break;
      }
      case 'string':
      case 'text': {
        const limit = spec.maxLength ?? (spec.datatype === 'text' ? 500 : 100);
        const normalized = spec.format ? spec.format.normalize(value) : value;
        if (Array.from(normalized).length > limit)
          problems.push({ field, message: `must be at most ${limit} characters` });
        else if (spec.format && !spec.format.pattern.test(normalized))
          problems.push({
            field,
            message: `"${value}" is not valid: ${spec.datatypeDescription?.en ?? 'bad format'}`,
          });
        else answers.push({ spec, value: normalized });
        break;
      }
      case 'singlevaluelist':
      case 'multivaluelist': {
        const keys = new Set(spec.values?.map((option) => option.key));
        const unknown = values.filter((candidate) => !keys.has(candidate));
        if (unknown.length > 0)
          problems.push({
            field,
            message: `"${unknown.join('", "')}" is not one of ${[...keys].join(', ')}`,
          });
        else
          answers.push({ spec, value: spec.datatype === 'singlevaluelist' ? value : [...new Set(values)] });
        break;
      }
    }
  }
  return { answers, problems };
}

/** Heads the attribute block in a case's description; Open311 reads cut the block off there. */
export const ANSWERS_MARKER = '【附加信息】';

/** The answers in the words staff read (Chinese), for the case description. */
export function describeAnswers(answers: readonly AttributeAnswer[]): string {
  if (answers.length === 0) return '';
  const parts = answers.map(({ spec, value }) => {
    const nameOf = (key: string) => spec.values?.find((option) => option.key === key)?.name.zh ?? key;
    const text = Array.isArray(value)
      ? value.map(nameOf).join('、')
      : spec.values
        ? nameOf(String(value))
        : String(value);
    return `${spec.label.zh}：${text}`;
  });
  return `${ANSWERS_MARKER}${parts.join('；')}`;
}

/** The case description as an Open311 reader sees it: without the structured answers. */
export function publicDescription(description: string | null): string | null {
  if (description === null) return null;
  const at = description.lastIndexOf(ANSWERS_MARKER);
  const text = (at === -1 ? description : description.slice(0, at)).trim();
  return text === '' ? null : text;
}

function duration(minutes: number, clock: SlaClock, locale: Locale): string {
  const en = locale === 'en';
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (clock === 'working') {
    // One working day is 450 office minutes (7.5 hours), as the service-level book counts.
    if (minutes % 450 === 0) return en ? plural(minutes / 450, 'working day') : `${minutes / 450} 个工作日`;
    if (minutes % 60 === 0) return en ? plural(minutes / 60, 'office hour') : `${minutes / 60} 个工作小时`;
    return en ? plural(minutes, 'office minute') : `${minutes} 个工作分钟`;
  }
  if (minutes % 1440 === 0) return en ? plural(minutes / 1440, 'day') : `${minutes / 1440} 天`;
  if (minutes % 60 === 0) return en ? plural(minutes / 60, 'hour') : `${minutes / 60} 小时`;
  return en ? plural(minutes, 'minute') : `${minutes} 分钟`;
}

/** What happens next, from the tenant's service levels for the category (GeoReport's service_notice). */
export function serviceNotice(
  category: CategoryDefinition,
  terms: { responseMinutes: number; resolveMinutes: number; clock: SlaClock },
  locale: Locale,
): string {
  const respond = duration(terms.responseMinutes, terms.clock, locale);
  const resolve = duration(terms.resolveMinutes, terms.clock, locale);
  return locale === 'en'
    ? `Handled by ${unitsText(category, locale)}: a response within ${respond}, resolution within ${resolve}.`
    : `由${unitsText(category, locale)}处置：${respond}内响应，${resolve}内办结。`;
}

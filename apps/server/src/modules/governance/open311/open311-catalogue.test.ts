import { CATEGORIES } from '@jiedao/contracts/constants';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANSWERS_MARKER,
  attributesOf,
  checkAttributes,
  describeAnswers,
  listServices,
  publicDescription,
  serviceDefinition,
  serviceNotice,
} from './open311-catalogue.js';

const given = (entries: Record<string, string | string[]>) =>
  new Map(Object.entries(entries).map(([code, value]) => [code, Array.isArray(value) ? value : [value]]));

describe('the Open311 services', () => {
  it('offers one service per category, each with a definition whose attributes are well formed', () => {
    const services = listServices('zh');
    expect(services.map((service) => service.service_code)).toEqual(
      CATEGORIES.map((category) => category.code),
    );
    for (const service of services) {
      const definition = serviceDefinition(service.service_code, 'en')!;
      expect(service.metadata).toBe(definition.attributes.length > 0);
      const codes = definition.attributes.map((attribute) => attribute.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(definition.attributes.map((attribute) => attribute.order)).toEqual(
        codes.map((_, index) => index + 1),
      );
      for (const attribute of definition.attributes) {
        const isList = attribute.datatype.endsWith('valuelist');
        expect(attribute.values !== undefined, `${service.service_code}.${attribute.code}`).toBe(isList);
        if (!attribute.variable) expect(attribute.required).toBe(false);
      }
    }
    expect(serviceDefinition('potholes', 'zh')).toBeUndefined();
    expect(listServices('en').find((service) => service.service_code === 'fire')).toMatchObject({
      service_name: 'Fire',
      group: 'Safety creation',
      description: expect.stringContaining('call 119') as unknown,
    });
  });

  it('checks answers: required, unknown, datatypes, lists', () => {
    expect(checkAttributes('noise', given({})).problems).toEqual([
      { field: 'attribute[time_of_day]', message: 'is required' },
    ]);
    expect(checkAttributes('noise', given({ time_of_day: ['day', 'night'] })).problems).toEqual([
      { field: 'attribute[time_of_day]', message: 'takes one value' },
    ]);
    expect(checkAttributes('noise', given({ time_of_day: 'night', volume: '11' })).problems).toEqual([
      { field: 'attribute[volume]', message: 'is not an attribute of service noise' },
    ]);
    const elderly = checkAttributes('elderly_help', given({ help_type: 'meals', resident_age: '82' }));
    expect(elderly.problems).toEqual([]);
    expect(elderly.answers.map((answer) => answer.value)).toEqual(['meals', 82]);
    expect(
      checkAttributes('elderly_help', given({ help_type: 'meals', resident_age: '1e3' })).problems,
    ).toEqual([{ field: 'attribute[resident_age]', message: 'must be a number' }]);
    expect(
      checkAttributes('elderly_help', given({ help_type: 'meals', resident_age: '200' })).problems,
    ).toEqual([{ field: 'attribute[resident_age]', message: 'must be at most 130' }]);
    const plate = checkAttributes('illegal_parking', given({ plate: '浙a · 12345' }));
    expect(plate.answers.map((answer) => answer.value)).toEqual(['浙A12345']);
    expect(checkAttributes('illegal_parking', given({ plate: 'ABC' })).problems[0]!.field).toBe(
      'attribute[plate]',
    );
    const waste = checkAttributes('sanitation', given({ waste_type: ['odour', 'bulky', 'odour'] }));
    expect(waste.answers.map((answer) => answer.value)).toEqual([['odour', 'bulky']]);
    expect(checkAttributes('fire', given({ observed_at: '2026-11-29T08:30:00' })).problems).toEqual([
      { field: 'attribute[observed_at]', message: 'must be a W3C date-time with a time zone' },
    ]);
    // An informational attribute echoed back by a client is ignored, not refused.
    expect(checkAttributes('fire', given({ emergency_notice: 'ok' })).problems).toEqual([]);
  });

  it('accepts, for every service, any choice of valid answers', () => {
    const answersFor = (code: string) =>
      fc.record(
        Object.fromEntries(
          attributesOf(code)
            .filter((spec) => spec.variable)
            .map((spec) => {
              const keys = spec.values?.map((option) => option.key) ?? [];
              const value =
                spec.datatype === 'singlevaluelist'
                  ? fc.constantFrom(...keys).map((key) => [key])
                  : spec.datatype === 'multivaluelist'
                    ? fc.subarray(keys, { minLength: 1 })
                    : spec.datatype === 'number'
                      ? fc.integer({ min: spec.min ?? 0, max: spec.max ?? 1000 }).map((n) => [String(n)])
                      : spec.datatype === 'datetime'
                        ? fc.constant<string[]>(['2026-11-29T08:30:00+08:00'])
                        : spec.format
                          ? fc.constant<string[]>(['沪B7C8D9E'])
                          : fc
                              .string({ minLength: 1, maxLength: spec.maxLength ?? 100 })
                              .map((text) => [`x${text}`.slice(0, spec.maxLength ?? 100)]);
              return [spec.code, spec.required ? value : fc.option(value, { nil: undefined })];
            }),
        ),
      );
    fc.assert(
      fc.property(
        fc
          .constantFrom(...CATEGORIES.map((category) => category.code))
          .chain((code) => answersFor(code).map((answers) => ({ code, answers }))),
        ({ code, answers }) => {
          const entries = Object.entries(answers).filter(
            (entry): entry is [string, string[]] => entry[1] !== undefined,
          );
          expect(checkAttributes(code, new Map(entries)).problems).toEqual([]);
        },
      ),
    );
  });

  it('writes the answers for staff and hides them from Open311 readers', () => {
    const { answers } = checkAttributes('noise', given({ time_of_day: 'night', severity_hint: 'high' }));
    const block = describeAnswers(answers);
    expect(block).toBe(`${ANSWERS_MARKER}时段：夜间（22:00–6:00）；紧急程度（报告人判断）：重大`);
    fc.assert(
      fc.property(fc.string(), (description) => {
        fc.pre(!description.includes(ANSWERS_MARKER));
        const expected = description.trim() === '' ? null : description.trim();
        expect(publicDescription(`${description}\n\n${block}`)).toBe(expected);
        expect(publicDescription(description)).toBe(expected);
      }),
    );
    expect(publicDescription(null)).toBeNull();
  });

  it('tells when to expect a response and a resolution, in working or calendar time', () => {
    const noise = CATEGORIES.find((category) => category.code === 'noise')!;
    expect(serviceNotice(noise, { responseMinutes: 120, resolveMinutes: 900, clock: 'working' }, 'zh')).toBe(
      '由城管、公安处置：2 个工作小时内响应，2 个工作日内办结。',
    );
    expect(serviceNotice(noise, { responseMinutes: 30, resolveMinutes: 1440, clock: 'calendar' }, 'en')).toBe(
      'Handled by urban management, the police: a response within 30 minutes, resolution within 1 day.',
    );
  });
});

import { describe, expect, expectTypeOf, it } from 'vitest';
import { SimulatedSmsGateway, type SimulatedSmsGatewayOptions } from './simulated-sms-gateway.js';
import { SmsGatewayUnavailableError, type SmsMessage } from './sms-gateway.js';
import {
  renderSms,
  SMS_TEMPLATES,
  SmsRenderError,
  type SmsParams,
  type SmsTemplate,
} from './sms-templates.js';

const MINUTE = 60_000;
const PHONE = '13812345678';

/** A clock tests move by hand; starts at 08:00 China time so "today" is unambiguous. */
function createClock(start = Date.parse('2026-11-30T08:00:00+08:00')) {
  let time = start;
  return { now: () => new Date(time), advance: (ms: number) => void (time += ms) };
}

const reliable: SimulatedSmsGatewayOptions = {
  latencyMs: [0, 0],
  unavailableRate: 0,
  lostAnswerRate: 0,
  duplicateRate: 0,
};

function paid(outId: string, phone = PHONE, amount = '180.00'): SmsMessage {
  return { outId, phone, template: 'gig_paid', params: { title: '超市理货员', amount } };
}

describe('SMS templates', () => {
  it('are signed 【街道】 and render every placeholder', () => {
    for (const text of Object.values(SMS_TEMPLATES)) expect(text.startsWith('【街道】')).toBe(true);
    expect(
      renderSms('gig_job_nearby', {
        title: '超市理货员',
        wage: '25元/小时',
        when: '明天 9:00-17:00',
        distance: '800米',
      }),
    ).toBe(
      '【街道】附近有新零工：超市理货员，25元/小时，明天 9:00-17:00，距您约800米。打开街道APP查看并报名。',
    );
    expect(renderSms('verification_code', { code: '482913', extra: 'ignored' })).toContain('482913');
  });

  it('refuses missing or blank params, and unknown templates', () => {
    expect(() => renderSms('gig_hired', { title: '保洁', when: '12/5 08:00' })).toThrow(
      expect.objectContaining({ reason: 'missing_params', missing: ['site'] }),
    );
    expect(() => renderSms('gig_paid', { title: '保洁', amount: '  ' })).toThrow(SmsRenderError);
    expect(() => renderSms('no_such_template' as SmsTemplate, {})).toThrow(
      expect.objectContaining({ reason: 'unknown_template' }),
    );
  });

  it('types each template’s params from its text', () => {
    expectTypeOf<SmsParams<'gig_paid'>>().toEqualTypeOf<{ title: string; amount: string }>();
    expectTypeOf<SmsParams<'gig_hired'>>().toEqualTypeOf<{ title: string; when: string; site: string }>();
  });
});

describe('SimulatedSmsGateway', () => {
  it('dedupes by outId: a repeat gets the first answer and is delivered once', async () => {
    const gateway = new SimulatedSmsGateway({ ...reliable, clock: createClock() });
    const first = await gateway.send(paid('m-1'));
    expect(first).toMatchObject({
      status: 'accepted',
      gatewayId: expect.stringMatching(/^SMS\d{10}$/) as unknown,
    });
    // Not a second message: neither flow control nor the handset sees it.
    expect(await gateway.send(paid('m-1'))).toEqual(first);
    expect(gateway.accepted('m-1')).toBe(1);
    expect(gateway.delivered(PHONE)).toEqual([
      {
        outId: 'm-1',
        phone: PHONE,
        text: '【街道】您的零工“超市理货员”工资180.00元已到账钱包，可打开街道APP查看或提现。',
        at: expect.any(Date) as unknown,
      },
    ]);
  });

  it('allows one message per phone per minute; a refused message passes later with the same outId', async () => {
    const clock = createClock();
    const gateway = new SimulatedSmsGateway({ ...reliable, clock });
    expect(await gateway.send(paid('m-1'))).toMatchObject({ status: 'accepted' });
    expect(await gateway.send(paid('m-2'))).toEqual({ status: 'refused', reason: 'rate_limited' });
    // Other phones have their own allowance.
    expect(await gateway.send(paid('m-3', '13987654321'))).toMatchObject({ status: 'accepted' });
    clock.advance(MINUTE - 1);
    expect(await gateway.send(paid('m-2'))).toEqual({ status: 'refused', reason: 'rate_limited' });
    clock.advance(1);
    expect(await gateway.send(paid('m-2'))).toMatchObject({ status: 'accepted' });
    expect(gateway.delivered(PHONE).map((delivery) => delivery.outId)).toEqual(['m-1', 'm-2']);
  });

  it('allows perPhonePerDay messages per China calendar day', async () => {
    const clock = createClock();
    const gateway = new SimulatedSmsGateway({ ...reliable, clock, perPhonePerDay: 3 });
    for (let index = 0; index < 3; index++) {
      expect(await gateway.send(paid(`d-${index}`))).toMatchObject({ status: 'accepted' });
      clock.advance(2 * MINUTE);
    }
    expect(await gateway.send(paid('d-3'))).toEqual({ status: 'refused', reason: 'rate_limited' });
    // 08:06 → 00:00 the next day in China (16:00 UTC): a new allowance.
    clock.advance(15 * 60 * MINUTE + 54 * MINUTE - 1);
    expect(await gateway.send(paid('d-3'))).toEqual({ status: 'refused', reason: 'rate_limited' });
    clock.advance(1);
    expect(await gateway.send(paid('d-3'))).toMatchObject({ status: 'accepted' });
    expect(gateway.delivered(PHONE)).toHaveLength(4);
  });

  it('refuses invalid and blacklisted phones and unknown templates, delivering nothing', async () => {
    const gateway = new SimulatedSmsGateway({ ...reliable, blacklist: ['13900000000'] });
    for (const phone of ['12812345678', '1381234567', '138123456789', '+8613812345678', '138-1234-5678'])
      expect(await gateway.send(paid(`bad-${phone}`, phone))).toEqual({
        status: 'refused',
        reason: 'invalid_phone',
      });
    expect(await gateway.send(paid('black', '13900000000'))).toEqual({
      status: 'refused',
      reason: 'blacklisted',
    });
    expect(
      await gateway.send({ outId: 'tpl', phone: PHONE, template: 'marketing' as SmsTemplate, params: {} }),
    ).toEqual({ status: 'refused', reason: 'unknown_template' });
    await expect(
      gateway.send({ outId: 'params', phone: PHONE, template: 'gig_paid', params: {} }),
    ).rejects.toThrow(SmsRenderError);
    expect(gateway.delivered()).toEqual([]);
    expect(gateway.accepted('black')).toBe(0);
  });

  it('delivers a duplicate twice to the handset while executing the message once', async () => {
    const gateway = new SimulatedSmsGateway({ ...reliable, duplicateRate: 1 });
    await gateway.send(paid('dup'));
    expect(gateway.delivered(PHONE).map((delivery) => delivery.outId)).toEqual(['dup', 'dup']);
    expect(gateway.accepted('dup')).toBe(1);
  });

  it('loses an answer after accepting: the caller sees a timeout, the handset one message', async () => {
    const gateway = new SimulatedSmsGateway({ ...reliable, lostAnswerRate: 1 });
    const lost = gateway.send(paid('lost'));
    await expect(lost).rejects.toBeInstanceOf(SmsGatewayUnavailableError);
    await expect(lost).rejects.toMatchObject({ reason: 'timeout' });
    expect(gateway.delivered(PHONE)).toHaveLength(1);
    gateway.options.lostAnswerRate = 0;
    // The retry within the minute is the same message, not a rate-limited second one.
    expect(await gateway.send(paid('lost'))).toMatchObject({ status: 'accepted' });
    expect(gateway.delivered(PHONE)).toHaveLength(1);
    expect(gateway.accepted('lost')).toBe(1);
  });

  it('fails outright when unavailable, and times out when the caller aborts, sending nothing', async () => {
    const down = new SimulatedSmsGateway({ ...reliable, unavailableRate: 1 });
    await expect(down.send(paid('down'))).rejects.toMatchObject({ reason: 'unavailable' });
    const slow = new SimulatedSmsGateway({ ...reliable, latencyMs: [10_000, 10_000] });
    const controller = new AbortController();
    const call = slow.send(paid('slow'), { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'SmsGatewayUnavailableError', reason: 'timeout' });
    expect([...down.delivered(), ...slow.delivered()]).toEqual([]);
  });

  it('is deterministic for a seed', async () => {
    const outcomes = async (seed: number) => {
      const gateway = new SimulatedSmsGateway({
        seed,
        latencyMs: [0, 0],
        unavailableRate: 0.3,
        lostAnswerRate: 0.3,
        duplicateRate: 0.3,
        perPhonePerMinute: 100,
        perPhonePerDay: 100,
      });
      const results: string[] = [];
      for (let index = 0; index < 40; index++)
        results.push(
          await gateway.send(paid(`s-${index}`)).then(
            (answer) => answer.status,
            (error: SmsGatewayUnavailableError) => error.reason,
          ),
        );
      return { results, deliveries: gateway.delivered().length };
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(new Set(first.results)).toEqual(new Set(['accepted', 'unavailable', 'timeout']));
  });
});

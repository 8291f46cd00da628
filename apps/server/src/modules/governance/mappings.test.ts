import { SOURCE_MAPPINGS } from '@jiedao/contracts/constants';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAPPERS, mapMessage, resolveCategory } from './mappings.js';

const receivedAt = new Date('2026-11-29T08:00:00Z');

describe('payload mappings', () => {
  // The mappers themselves, not mapMessage (which would turn a throw into a reason).
  it('never throw: any payload maps to an event or to a reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCE_MAPPINGS),
        fc.jsonValue(),
        fc.option(fc.string()),
        (mapping, payload, topic) => {
          const result = MAPPERS[mapping]({ payload, topic: topic ?? undefined, receivedAt });
          if (result.ok) expect(result.event.sourceMessageId.length).toBeGreaterThan(0);
          else expect(result.reason.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('maps a 12345 hand-off by its own wording to our category, with the caller as reporter', () => {
    const result = mapMessage('hotline_12345', {
      payload: {
        ticketNo: 'GD-1',
        title: '夜间施工噪音扰民',
        content: '凌晨还在施工',
        address: '古荡新村3幢',
        callerName: '张',
        callerPhone: '13700000000',
      },
      receivedAt,
    });
    expect(result).toMatchObject({
      ok: true,
      event: { category: 'noise', kind: 'report', reporter: { name: '张', phone: '13700000000' } },
    });
  });

  it('names what is wrong', () => {
    expect(
      mapMessage('fire_119', { payload: { alarmId: 'F1', address: 'x', level: 9 }, receivedAt }),
    ).toEqual({
      ok: false,
      reason: '"level" must be an integer from 1 to 5',
    });
    expect(
      mapMessage('camera_alarm', {
        payload: { alarmId: 'A', cameraCode: 'C', alarmType: 'ufo' },
        receivedAt,
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('alarmType') as unknown,
    });
    expect(
      mapMessage('resident_report', {
        payload: { id: 'r', category: 'noise', location: { lng: 500, lat: 30 } },
        receivedAt,
      }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringContaining('longitude') as unknown,
    });
    expect(
      mapMessage('iot_mqtt', { topic: 'jiedao/gd/devices/S1/melt', payload: {}, receivedAt }),
    ).toMatchObject({ ok: false });
  });

  it('gives an IoT message without its own id an id from its bytes, so a redelivery is the same message', () => {
    const message = { topic: 'jiedao/gd/devices/S1/alarm', payload: { value: 3 }, receivedAt };
    const first = mapMessage('iot_mqtt', message);
    const again = mapMessage('iot_mqtt', { ...message, receivedAt: new Date() });
    const other = mapMessage('iot_mqtt', { ...message, payload: { value: 4 } });
    if (!first.ok || !again.ok || !other.ok) throw new Error('should map');
    expect(again.event.sourceMessageId).toBe(first.event.sourceMessageId);
    expect(other.event.sourceMessageId).not.toBe(first.event.sourceMessageId);
  });

  it('resolves categories by code, Chinese name or keyword, else the fallback', () => {
    expect(resolveCategory('noise', 'public_service')).toBe('noise');
    expect(resolveCategory('违章停车', 'public_service')).toBe('illegal_parking');
    expect(resolveCategory('楼道堆放杂物有安全隐患', 'public_service')).toBe('safety_hazard');
    expect(resolveCategory('咨询社保', 'public_service')).toBe('public_service');
  });
});

import { describe, expect, it } from 'vitest';
import { dispositionFileName, fieldName, problemToError, toQuery } from './client';

describe('problemToError', () => {
  it('reads an RFC 9457 problem with field errors', () => {
    const error = problemToError(400, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'Several subdistricts match this phone',
      code: 'validation_failed',
      requestId: 'req-1',
      errors: [{ field: '/body/tenant', message: 'required' }],
    });
    expect(error.status).toBe(400);
    expect(error.code).toBe('validation_failed');
    expect(error.detail).toBe('Several subdistricts match this phone');
    expect(error.requestId).toBe('req-1');
    expect(error.fieldMessage('tenant')).toBe('required');
  });

  it('keeps retryAfterSeconds for lock-outs', () => {
    const error = problemToError(429, { code: 'account_locked', detail: 'locked', retryAfterSeconds: 600 });
    expect(error.retryAfterSeconds).toBe(600);
  });

  it('survives a body that is not a problem document', () => {
    expect(problemToError(502, null).code).toBe('internal_error');
    expect(problemToError(404, 'nope').code).toBe('bad_response');
    expect(problemToError(400, { errors: [{ bad: true }] }).fieldErrors).toEqual([]);
  });
});

describe('helpers', () => {
  it('strips JSON-pointer prefixes from field names', () => {
    expect(fieldName('/phone')).toBe('phone');
    expect(fieldName('/body/idNumber')).toBe('idNumber');
    expect(fieldName('body.tenant')).toBe('tenant');
    expect(fieldName('password')).toBe('password');
  });

  it('builds query strings without empty values', () => {
    expect(toQuery({ q: '食堂', type: undefined, tier: null, page: 2, communityId: '' })).toBe(
      `?q=${encodeURIComponent('食堂')}&page=2`,
    );
    expect(toQuery({})).toBe('');
  });

  it('reads download file names', () => {
    expect(
      dispositionFileName(
        `attachment; filename="facilities.xlsx"; filename*=UTF-8''%E8%AE%BE%E6%96%BD.xlsx`,
        'x',
      ),
    ).toBe('设施.xlsx');
    expect(dispositionFileName('attachment; filename="facilities-2026.xlsx"', 'x')).toBe(
      'facilities-2026.xlsx',
    );
    expect(dispositionFileName(null, 'fallback.xlsx')).toBe('fallback.xlsx');
  });
});

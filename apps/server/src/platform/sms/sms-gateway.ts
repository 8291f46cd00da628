import type { SmsTemplate } from './sms-templates.js';

/**
 * An SMS gateway: a provider's send API (Aliyun SMS, Tencent Cloud SMS). None is reachable from
 * here, so the codebase ships this interface and {@link SimulatedSmsGateway}, which behaves the way
 * such providers do and the way our sending path must survive:
 *
 * - **Deduplicated by `outId`**: our id of the message; a repeat of an accepted `outId` is not a new
 *   message and gets the first answer. This is what makes "retry until the answer is known" safe.
 * - **Flow-controlled per phone**: a second message to a number within a minute, or more than the
 *   daily allowance, is refused `rate_limited`.
 * - **Unreliable**: calls fail or time out *after* the gateway accepted the message; a handset may
 *   receive a message twice.
 */
export interface SmsMessage {
  /** Our id of this message, stable across retries: the gateway's dedupe key (the providers' OutId). */
  outId: string;
  /** An 11-digit mainland mobile number, plain: only ever in memory on its way to the gateway. */
  phone: string;
  template: SmsTemplate;
  params: Readonly<Record<string, string>>;
}

/** Final refusals, except `rate_limited`, which passes once the phone's allowance refills. */
export type SmsRefusal = 'invalid_phone' | 'unknown_template' | 'rate_limited' | 'blacklisted';

export type SmsSendAnswer =
  | { status: 'accepted'; gatewayId: string }
  /** Not sent; nothing was or will be delivered for this call. */
  | { status: 'refused'; reason: SmsRefusal };

/** The gateway gave no answer (down, or slower than the caller waited): send again with the same outId. */
export class SmsGatewayUnavailableError extends Error {
  override readonly name = 'SmsGatewayUnavailableError';
  constructor(
    readonly reason: 'timeout' | 'unavailable',
    message = reason === 'timeout' ? 'SMS gateway timed out' : 'SMS gateway unavailable',
  ) {
    super(message);
  }
}

export interface SmsGateway {
  readonly name: string;
  /**
   * Hands a message over for delivery. Throws {@link SmsGatewayUnavailableError} when it cannot
   * tell whether the gateway took it, and `SmsRenderError` when the params do not fill the template.
   */
  send(message: SmsMessage, options?: { signal?: AbortSignal }): Promise<SmsSendAnswer>;
}

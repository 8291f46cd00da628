/**
 * Approved SMS templates. Chinese carriers only pass messages from templates the provider approved
 * in advance, each starting with the sender's signature (【街道】); a message is a template code plus
 * the values of its `${name}` placeholders, never free text. Adding or changing one here means
 * filing it with the provider first.
 */
export const SMS_TEMPLATES = {
  gig_job_nearby:
    '【街道】附近有新零工：${title}，${wage}，${when}，距您约${distance}。打开街道APP查看并报名。',
  gig_offer: '【街道】${employer}邀请您做零工：${title}。请打开街道APP查看合同并确认。',
  gig_hired:
    '【街道】您已被录用：${title}，首个班次${when}，地点${site}。请准时到岗，有变动请在街道APP联系雇主。',
  gig_paid: '【街道】您的零工“${title}”工资${amount}元已到账钱包，可打开街道APP查看或提现。',
  verification_code: '【街道】您的验证码是${code}，5分钟内有效。请勿告诉他人。',
} as const;

/** The code of an approved template. */
export type SmsTemplate = keyof typeof SMS_TEMPLATES;

/** The placeholder names of a template text, e.g. `'title' | 'wage'`. */
type PlaceholdersOf<Text extends string> = Text extends `${string}\${${infer Name}}${infer Rest}`
  ? Name | PlaceholdersOf<Rest>
  : never;

/**
 * The params a template needs, checked at compile time: `SmsParams<'gig_paid'>` is `{ amount: string }`.
 * Distributes over a union of templates, so a template chosen at run time accepts any one's params.
 */
export type SmsParams<T extends SmsTemplate> = T extends SmsTemplate
  ? Record<PlaceholdersOf<(typeof SMS_TEMPLATES)[T]>, string>
  : never;

/** Why a message could not be rendered: a caller's mistake, not a gateway's refusal. */
export class SmsRenderError extends Error {
  override readonly name = 'SmsRenderError';
  constructor(
    readonly reason: 'unknown_template' | 'missing_params',
    /** The placeholders without a value (for `missing_params`). */
    readonly missing: readonly string[] = [],
    message = reason === 'unknown_template'
      ? 'unknown SMS template'
      : `SMS template params missing: ${missing.join(', ')}`,
  ) {
    super(message);
  }
}

const PLACEHOLDER = /\$\{(\w+)\}/g;

/** True for a code in {@link SMS_TEMPLATES}; payloads and gateways see templates as plain strings. */
export function isSmsTemplate(value: unknown): value is SmsTemplate {
  return typeof value === 'string' && Object.hasOwn(SMS_TEMPLATES, value);
}

/** The placeholder names of a template, in order of appearance. */
export function smsTemplateParams(template: SmsTemplate): string[] {
  if (!isSmsTemplate(template)) throw new SmsRenderError('unknown_template');
  return [...new Set(Array.from(SMS_TEMPLATES[template].matchAll(PLACEHOLDER), (match) => match[1] ?? ''))];
}

/**
 * The text a handset shows. Refuses (throws {@link SmsRenderError}) an unknown template or a missing
 * or blank param rather than sending a message with a hole in it; extra params are ignored, as
 * providers do.
 */
export function renderSms(template: SmsTemplate, params: Readonly<Record<string, string>>): string {
  const missing = smsTemplateParams(template).filter((name) => {
    const value = Object.hasOwn(params, name) ? params[name] : undefined;
    return typeof value !== 'string' || value.trim() === '';
  });
  if (missing.length > 0) throw new SmsRenderError('missing_params', missing);
  return SMS_TEMPLATES[template].replace(PLACEHOLDER, (_, name: string) => params[name] ?? '');
}

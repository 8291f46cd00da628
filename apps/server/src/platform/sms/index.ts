export {
  SmsGatewayUnavailableError,
  type SmsGateway,
  type SmsMessage,
  type SmsRefusal,
  type SmsSendAnswer,
} from './sms-gateway.js';
export {
  SMS_TEMPLATES,
  SmsRenderError,
  isSmsTemplate,
  renderSms,
  type SmsParams,
  type SmsTemplate,
} from './sms-templates.js';
export {
  SimulatedSmsGateway,
  type SimulatedSmsGatewayOptions,
  type SmsDelivery,
} from './simulated-sms-gateway.js';
export {
  SMS_JOB_KIND,
  queueSms,
  queueSmsBatch,
  registerSmsSender,
  smsOutId,
  type QueueSmsInput,
  type QueueSmsResult,
  type SmsSenderOptions,
} from './sms-sender.js';

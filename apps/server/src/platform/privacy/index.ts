export {
  DATA_KEY_BYTES,
  DATA_KEY_FILE,
  deriveKeys,
  loadDataKey,
  parseDataKey,
  type DerivedKeys,
  type LoadDataKeyOptions,
} from './keys.js';
export {
  PiiCipher,
  PiiDecryptionError,
  normalizeIdNumber,
  normalizePhone,
  type PiiDecryptionFailure,
} from './pii-cipher.js';
export { maskIdNumber, maskName, maskPhone } from './mask.js';

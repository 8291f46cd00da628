import { hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~20 ms per hash on these machines. */
// `Algorithm` is a const enum, which verbatimModuleSyntax cannot import; 2 is Algorithm.Argon2id.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function isPasswordCorrect(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * Spends the same time as a real check when the phone is unknown, so response time does not tell
 * an attacker which phone numbers have accounts.
 */
export async function spendPasswordCheckTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('jiedao-timing-equaliser');
  await isPasswordCorrect(await dummyHash, password);
}

/** Length and variety rules for new passwords; returns a message or undefined when acceptable. */
export function describeWeakPassword(password: string): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((pattern) =>
    pattern.test(password),
  ).length;
  if (classes < 2) return 'must mix at least two of: lower case, upper case, digits, symbols';
  return undefined;
}

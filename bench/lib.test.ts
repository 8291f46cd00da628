import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchDir, fmtDuration } from './lib.js';

describe('fmtDuration', () => {
  it('prints milliseconds, seconds, then minutes with whole seconds that never reach 60', () => {
    expect(fmtDuration(412.4)).toBe('412 ms');
    expect(fmtDuration(95_250)).toBe('95.3 s');
    expect(fmtDuration(353_000)).toBe('5 min 53 s');
    expect(fmtDuration(299_700)).toBe('5 min 0 s');
    expect(fmtDuration(3_059_600)).toBe('51 min 0 s');
  });
});

describe('runMain', () => {
  /** Runs a bench whose main sets `process.exitCode` (a finding) and returns normally. */
  function exitCodeOf(body: string): number | null {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jiedao-runmain-'));
    try {
      const script = path.join(dir, 'bench.ts');
      const lib = pathToFileURL(path.join(benchDir, 'lib.ts')).href;
      fs.writeFileSync(
        script,
        `import { runMain } from ${JSON.stringify(lib)};\nrunMain(async () => { ${body} }, { maxMinutes: 1 });\n`,
      );
      return spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' }).status;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('exits with the code a bench set when it found something, 0 when it did not, 1 when it threw', () => {
    expect(exitCodeOf('process.exitCode = 1;')).toBe(1);
    expect(exitCodeOf('')).toBe(0);
    expect(exitCodeOf("throw new Error('boom');")).toBe(1);
  });
});

import cliProgress from 'cli-progress';

/**
 * Progress for long CLI work: a bar on a terminal, a line every 10 % otherwise (CI logs, pipes).
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr) {
  const bar = stream.isTTY
    ? new cliProgress.SingleBar(
        { format: '{step} [{bar}] {value}/{total}', stream, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let currentStep = '';
  let lastReported = -1;
  return {
    update(step: string, done: number, total: number) {
      if (bar) {
        if (step !== currentStep) {
          if (currentStep) bar.stop();
          bar.start(total, done, { step });
          currentStep = step;
        } else bar.update(done, { step });
        return;
      }
      const decile = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (step !== currentStep || decile !== lastReported) {
        currentStep = step;
        lastReported = decile;
        stream.write(`${step}: ${done}/${total}\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}

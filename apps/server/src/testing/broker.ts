import net from 'node:net';

/** The MQTT broker the tests talk to: the machine's Mosquitto. */
export const TEST_BROKER_HOST = '127.0.0.1';
export const TEST_BROKER_PORT = 1883;
export const TEST_BROKER_URL = `mqtt://${TEST_BROKER_HOST}:${TEST_BROKER_PORT}`;

function brokerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: TEST_BROKER_HOST, port: TEST_BROKER_PORT });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether broker tests run: when the broker answers, and always in CI (where a missing broker must
 * fail the run, not skip it).
 */
export async function shouldRunBrokerTests(): Promise<boolean> {
  return (await brokerAnswers()) || process.env.CI === 'true';
}

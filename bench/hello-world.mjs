// The baseline for the HTTP and cold-start benchmarks: a bare Fastify server answering
// `GET /` with {"hello":"world"}. Run: node bench/hello-world.mjs [port] [host]
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 3000);
const host = process.argv[3] ?? '127.0.0.1';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

await app.listen({ port, host });

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Scheduler, taskModule } from 'forkline';
import type * as Jobs from './jobs.ts';

const jobs = taskModule<typeof Jobs>(new URL('./jobs.ts', import.meta.url));
// A long-lived pool: started once, fed from request handlers, closed with the server.
const scheduler = Scheduler.withProcesses(2).start();
const fib = scheduler.task(jobs.fib);

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const n = Number(new URL(request.url ?? '/', 'http://localhost').searchParams.get('n'));
  try {
    const value = await fib.call(n); // a failed call rejects here, for this request only
    response.end(`fib(${n}) = ${value}\n`);
  } catch (error) {
    response.statusCode = 400;
    response.end(`${(error as Error).message}\n`);
  }
}

const server = createServer((request, response) => void answer(request, response));

server.listen(Number(process.env.PORT ?? 3000), () => console.log('listening on', server.address()));

process.on('SIGTERM', () => {
  server.close();
  void scheduler.close().then((exit) => console.log('closed', exit)); // every call in flight finishes first
});

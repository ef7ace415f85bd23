import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiProcess {
  url: string;
  proc: ChildProcess;
  /** pid of the server process (for /proc/<pid>/status) */
  pid: number;
  /** stdout+stderr lines seen so far (the last 500: drills send 100,000 requests) */
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server (`apps/api/src/main.ts`, or another script that logs the same
 * "listening on http://localhost:PORT" line) as its own OS process on a free port.
 */
export async function spawnApi(
  env: Record<string, string>,
  timeoutMs = 30_000,
  script = 'apps/api/src/main.ts',
  /** extra node flags after tsx's loader, before the script (e.g. the drill-6 memory probe) */
  nodeArgs: string[] = [],
): Promise<ApiProcess> {
  // node with tsx's loader rather than the tsx CLI: the CLI relays signals through a child and
  // SIGKILLs it when the child does not confirm within 30 ms (a busy server under load), which
  // would turn a graceful SIGTERM into resets.
  return spawnServer({
    command: process.execPath,
    args: ['--import', 'tsx', ...nodeArgs, script],
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    timeoutMs,
  });
}

/**
 * Any command that starts the API and logs "listening on http://localhost:PORT" (the built
 * server, a cluster primary…), with exactly the environment given (nothing inherited).
 */
export async function spawnServer(opts: {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<ApiProcess> {
  const proc = spawn(opts.command, opts.args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const pid = proc.pid ?? 0;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGTERM'); // never leave a half-started server behind (tsx relays it to its child)
      reject(new Error(`API did not start:\n${output.join('\n')}`));
    }, opts.timeoutMs ?? 30_000);
    const onLine = (line: string) => {
      output.push(line);
      if (output.length > 500) output.splice(0, output.length - 500);
      const m = /listening on (http:\/\/localhost:\d+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    if (proc.stdout) readline.createInterface({ input: proc.stdout }).on('line', onLine);
    if (proc.stderr) readline.createInterface({ input: proc.stderr }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`API exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    url: url.replace(/\/api\/v1$/, ''),
    proc,
    pid,
    output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Resolves with the first output line matching `re` (already seen or still to come). */
export async function waitForLine(api: ApiProcess, re: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of api.output) {
      const m = re.exec(line);
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no line matching ${String(re)} in:\n${api.output.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The lines in which API processes said they limit on their own because a Redis call failed
 * (docs/deploy.md, twdown_rate_limit_decisions_total): tests of exact limits expect none.
 */
export function rateLimitFallbackLines(procs: ApiProcess[]): string[] {
  return procs.flatMap((p) => p.output.filter((line) => line.includes('rate limits answered per process')));
}

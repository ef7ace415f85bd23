import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '../..');

export interface ApiProcess {
  url: string;
  proc: ChildProcess;
  /** stdout+stderr lines seen so far */
  output: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real server (`apps/api/src/main.ts`, or another script that logs the same
 * "listening on http://localhost:PORT" line) as its own OS process on a free port.
 */
export async function spawnApi(env: Record<string, string>, timeoutMs = 30_000, script = 'apps/api/src/main.ts'): Promise<ApiProcess> {
  // node with tsx's loader rather than the tsx CLI: the CLI relays signals through a child and
  // SIGKILLs it when the child does not confirm within 30 ms (a busy server under load), which
  // would turn a graceful SIGTERM into resets.
  const proc = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API did not start:\n${output.join('\n')}`)), timeoutMs);
    const onLine = (line: string) => {
      output.push(line);
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
    output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      return exited;
    },
  };
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Where the embedded quick start keeps its PGlite data (the operator CLI opens the same). */
export const EMBEDDED_DATA_DIR = path.resolve(__dirname, '../../../../../.data/pglite');

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

/** The embedded data directory is open in another live process (the server or the CLI). */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database (${dataDir}) is in use by process ${pid} (a running \`npm start\` or CLI). ` +
        'PGlite serves one process at a time: stop that process first, or set DATABASE_URL to a real PostgreSQL.',
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite does not guard its directory against a second process, and two writers corrupt it.
 * A pid file next to the data does: taken exclusively, a stale one (dead pid) is replaced.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.pid`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return () => rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new EmbeddedDatabaseBusyError(dataDir, pid);
      await rm(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

/**
 * In-process PostgreSQL (PGlite) served over TCP on 127.0.0.1 so the normal pg driver and
 * Prisma adapter can use it. It accepts one connection at a time: use a pool of max 1.
 * Only one process may open a data directory at a time (EmbeddedDatabaseBusyError otherwise).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const unlock = await lockDataDir(dataDir);
  try {
    const db = await PGlite.create(dataDir);
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    const address = server.getServerConn();
    return {
      url: `postgresql://postgres:postgres@${address}/postgres?sslmode=disable`,
      async stop() {
        await server.stop();
        await db.close();
        await unlock();
      },
    };
  } catch (err) {
    await unlock();
    throw err;
  }
}

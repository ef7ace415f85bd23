import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  name: string;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) throw new Error(`unreadable Dockerfile line: ${line}`);
    const op = m[1].toUpperCase();
    const args = m[2].replace(/\s+/g, ' ');
    if (op === 'FROM') {
      stages.push({ name: / AS (\S+)$/i.exec(args)?.[1] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) stage.instructions.push({ op, args });
  }
  return stages;
}

/** The exec-form array of CMD/ENTRYPOINT/HEALTHCHECK CMD. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}

/**
 * Production packages exactly as `npm ci --omit=dev` picks them from the lockfile: every entry
 * not marked `dev` (npm keeps `devOptional` ones unless optional packages are omitted too).
 * Workspace links and optional platform packages absent on this machine are skipped.
 */
export function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([p, meta]) => p.startsWith('node_modules/') && !meta.dev && !meta.link && existsSync(path.join(root, p)))
    .map(([p]) => p);
}

/**
 * Replays the runtime stage of the Dockerfile into `dest`: each COPY (from the build context, or
 * `--from=build` = this machine's build output under /app), and `npm ci --omit=dev` as symlinks
 * to the production packages only (run node with --preserve-symlinks so they resolve there).
 * Returns the ENV the stage sets.
 */
export function replayRuntimeStage(stage: Stage, root: string, dest: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { op, args } of stage.instructions) {
    if (op === 'ENV') {
      for (const m of args.matchAll(/(\w+)=(\S+)/g)) if (m[1] && m[2]) env[m[1]] = m[2];
    } else if (op === 'COPY') {
      const parts = args.split(' ');
      const fromBuild = parts[0]?.startsWith('--from=');
      const paths = parts.filter((p) => !p.startsWith('--'));
      const target = paths.pop() ?? '.';
      for (const src of paths) {
        const rel = fromBuild ? path.relative('/app', src) : src;
        const to = target.endsWith('/') || paths.length > 1 ? path.join(dest, target, path.basename(rel)) : path.join(dest, target);
        mkdirSync(path.dirname(to), { recursive: true });
        cpSync(path.join(root, rel), to, { recursive: true });
      }
    } else if (op === 'RUN' && /\bnpm ci\b/.test(args)) {
      if (!/--omit=dev/.test(args)) throw new Error(`runtime stage installs dev dependencies: ${args}`);
      for (const p of productionPackages(root)) {
        if (p.split('node_modules/').length > 2) continue; // nested: present inside its parent's link
        const to = path.join(dest, p);
        mkdirSync(path.dirname(to), { recursive: true });
        symlinkSync(path.join(root, p), to, 'dir');
      }
    } else if (op === 'RUN' && /mkdir -p \/app\/\.data/.test(args)) {
      mkdirSync(path.join(dest, '.data'), { recursive: true });
    }
  }
  return env;
}

import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { AppError, isAppError } from '../../lib/errors/app-error';
import type { Logger } from '../../lib/logger/logger';
import { discardBody, type MediaFetcher } from '../media/media.fetch';
import type { ConvertFormat } from './convert.schemas';

/** Everything a worker needs to produce one output; plain data, so it can cross a queue later. */
export interface ConvertJob {
  /** an allowed X media URL (video.twimg.com) */
  sourceUrl: string;
  format: ConvertFormat;
  /** the ffmpeg arguments (stdin → stdout), see convert.plan.ts */
  args: string[];
  requestId?: string;
}

/**
 * The one seam between the API and whatever converts: in-process ffmpeg today; a BullMQ worker
 * pool on the same Redis could implement the same contract (see docs/architecture.md).
 * The stream emits output as it is produced, ends only when the conversion fully succeeded, and
 * is destroyed with an AppError otherwise. Aborting `signal` stops the work at once.
 */
export interface Converter {
  convert(job: ConvertJob, signal: AbortSignal): Readable;
}

function classify(stderr: string, format: ConvertFormat): AppError {
  if (/matches no streams|does not contain any stream/i.test(stderr)) {
    return format === 'mp3' || format === 'wav' ? new AppError('no_audio') : new AppError('no_video', 'This media has no video track');
  }
  if (/moov atom not found|Invalid data found when processing input|could not find codec parameters/i.test(stderr)) {
    return new AppError('convert_failed', 'The source could not be read as a media file');
  }
  return new AppError('convert_failed');
}

export function createFfmpegConverter(deps: { fetcher: MediaFetcher; ffmpegPath: string; logger: Logger }): Converter {
  return {
    convert(job, signal) {
      const out = new PassThrough();
      const upstreamAbort = new AbortController();
      const child = spawn(deps.ffmpegPath, job.args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      let failure: AppError | undefined;
      let exited = false;

      const fail = (err: AppError) => {
        if (exited) return;
        failure ??= err;
        child.kill('SIGKILL');
        upstreamAbort.abort();
      };
      const onAbort = () => fail(new AppError('convert_failed', 'Conversion cancelled: the client went away'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });

      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < 16_384) stderr += chunk;
      });
      // EPIPE when ffmpeg stops reading early (it reached -t): not an error.
      child.stdin.on('error', () => undefined);
      child.on('error', (err) => fail(new AppError('convert_failed', 'ffmpeg could not be started', { cause: err })));
      child.stdout.pipe(out, { end: false });
      child.on('close', (code, sig) => {
        exited = true;
        signal.removeEventListener('abort', onAbort);
        upstreamAbort.abort(); // ffmpeg may have stopped before the end of the source
        if (!failure && code !== 0) {
          failure = classify(stderr, job.format);
          deps.logger.warn({ requestId: job.requestId, code, signal: sig, stderr: stderr.slice(0, 2000) }, 'ffmpeg failed');
        }
        if (failure) out.destroy(failure);
        else out.end();
      });

      void (async () => {
        const upstream = await deps.fetcher.fetch(job.sourceUrl, { signal: upstreamAbort.signal });
        if (upstream.status !== 200) {
          discardBody(upstream.body);
          throw new AppError('media_unavailable', `X did not serve this media file (HTTP ${String(upstream.status)})`);
        }
        // A cut or stalled upstream must fail the job: never let ffmpeg finish a silently short file.
        upstream.body.on('error', (err) => {
          if (!exited) fail(new AppError('media_unavailable', 'The media download from X was interrupted', { cause: err }));
        });
        upstream.body.on('end', () => child.stdin.end());
        upstream.body.pipe(child.stdin, { end: false });
      })().catch((err: unknown) => {
        if (exited || upstreamAbort.signal.aborted) return;
        fail(isAppError(err) ? err : new AppError('media_unavailable', undefined, { cause: err }));
      });

      return out;
    },
  };
}

import { spawn } from 'node:child_process';
import { AppError } from '../../lib/errors/app-error';
import { discardBody, type MediaFetcher } from '../media/media.fetch';

export interface ProbeResult {
  seconds: number;
  hasAudio: boolean;
  videoCodec: string | undefined;
  width: number | undefined;
  height: number | undefined;
}

/** X's MP4s are "faststart": the index (moov) is at the front, so the first bytes are enough. */
const PROBE_BYTES = 4 * 1024 * 1024;

interface FfprobeJson {
  format?: { duration?: string };
  streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }>;
}

/**
 * Duration and streams of a source we know nothing about (a direct video.twimg.com URL, or a GIF,
 * for which X gives no duration): its first bytes, fetched by our client, piped into ffprobe.
 */
export async function probeSource(deps: { fetcher: MediaFetcher; ffprobePath: string }, url: string, signal: AbortSignal): Promise<ProbeResult> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const upstream = await deps.fetcher.fetch(url, { signal: controller.signal, range: `bytes=0-${String(PROBE_BYTES - 1)}` });
    if (upstream.status !== 200 && upstream.status !== 206) {
      discardBody(upstream.body);
      throw new AppError('media_unavailable', `X did not serve this media file (HTTP ${String(upstream.status)})`);
    }
    const child = spawn(
      deps.ffprobePath,
      ['-v', 'error', '-protocol_whitelist', 'pipe', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', '-i', 'pipe:0'],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    const killOnAbort = () => child.kill('SIGKILL');
    controller.signal.addEventListener('abort', killOnAbort, { once: true });
    child.stdin.on('error', () => undefined); // ffprobe stops reading once it has the index
    upstream.body.on('error', () => undefined); // aborted below once ffprobe is done
    upstream.body.pipe(child.stdin);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    controller.abort(); // stop the download as soon as ffprobe has answered
    controller.signal.removeEventListener('abort', killOnAbort);
    const parsed = code === 0 ? parseProbe(out) : undefined;
    if (!parsed) throw new AppError('convert_failed', 'The source could not be read as a media file');
    return parsed;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function parseProbe(text: string): ProbeResult | undefined {
  let json: FfprobeJson;
  try {
    json = JSON.parse(text) as FfprobeJson;
  } catch {
    return undefined;
  }
  const seconds = Number(json.format?.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  return {
    seconds,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    videoCodec: video?.codec_name,
    width: video?.width,
    height: video?.height,
  };
}

import { z } from 'zod';
import { AppError } from '../../lib/errors/app-error';

export const CONVERT_FORMATS = ['mp3', 'mp4', 'wav', 'gif'] as const;
export type ConvertFormat = (typeof CONVERT_FORMATS)[number];

export const CONTENT_TYPES: Record<ConvertFormat, string> = {
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  wav: 'audio/wav',
  gif: 'image/gif',
};

// Facebo/Soundc document audio_quality/video_quality as strings ("192", "720") and the times as
// numbers; both spellings are accepted for every numeric option.
const DECIMAL = /^-?\d+(?:\.\d+)?$/;
const AUDIO_HELP = 'audio_quality must be a bitrate in kbps, e.g. "192"';
const VIDEO_HELP = 'video_quality must be a height in pixels, e.g. "720"';

const seconds = (name: string) =>
  z
    .union([z.number(), z.string().trim().regex(DECIMAL, { error: `${name} must be a number of seconds` })], { error: `${name} must be a number of seconds` })
    .transform(Number)
    .pipe(z.number().min(0, { error: `${name} must not be negative` }));

const audioQuality = z
  .union([z.number(), z.string().trim().regex(/^\d+[kK]?$/, { error: AUDIO_HELP })], { error: AUDIO_HELP })
  .transform((v) => (typeof v === 'number' ? v : Number.parseInt(v, 10)))
  .pipe(
    z
      .number()
      .int({ error: 'audio_quality must be a whole number of kbps' })
      .min(64, { error: 'audio_quality must be between 64 and 320 kbps' })
      .max(320, { error: 'audio_quality must be between 64 and 320 kbps' }),
  );

const videoQuality = z
  .union([z.number(), z.string().trim().regex(/^\d+[pP]?$/, { error: VIDEO_HELP })], { error: VIDEO_HELP })
  .transform((v) => (typeof v === 'number' ? v : Number.parseInt(v, 10)))
  .pipe(
    z
      .number()
      .int({ error: 'video_quality must be a whole number of pixels' })
      .min(144, { error: 'video_quality must be between 144 and 4320' })
      .max(4320, { error: 'video_quality must be between 144 and 4320' }),
  );

const flag = (name: string) => z.boolean({ error: `${name} must be true or false` });

/** `options` exactly as the seed table lists them; anything else is refused by name. */
export const convertOptionsSchema = z.strictObject({
  start_time: seconds('start_time').optional().describe('Start of the output, seconds into the media (decimals allowed)'),
  end_time: seconds('end_time').optional().describe('End of the output, seconds into the media'),
  audio_quality: audioQuality.optional().describe('mp3 (and re-encoded mp4) audio bitrate in kbps, 64–320, default 192'),
  video_quality: videoQuality.optional().describe('mp4: the best rendition at or under this height (short side)'),
  h264: flag('h264').optional().describe('mp4: guarantee H.264/AAC (re-encode when the source is not)'),
  subtitles: flag('subtitles').optional().describe('Embed captions when X provides them (X-Subtitles header says whether)'),
});

/** Request body of POST /convert/{format}; `url` is checked separately (Missing URL / invalid URL). */
export const convertRequestSchema = z.object({
  url: z.string().describe('An X post URL (its first video, or /video/N) or a direct https://video.twimg.com/….mp4 URL'),
  options: convertOptionsSchema.optional(),
});

export interface ConvertOptions {
  startTime: number | undefined;
  endTime: number | undefined;
  audioKbps: number | undefined;
  videoHeight: number | undefined;
  h264: boolean;
  subtitles: boolean;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(convertOptionsSchema.shape).join(', ');
    return `Unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; known options: ${known}`;
  }
  const name = issue.path.map(String).join('.');
  return issue.message.startsWith(name) || name === '' ? issue.message : `${name}: ${issue.message}`;
}

/** Parses `options` (absent = defaults); any problem is a 400 naming the option. */
export function parseConvertOptions(raw: unknown): ConvertOptions {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new AppError('invalid_option', 'options must be an object');
  }
  const parsed = convertOptionsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new AppError('invalid_option', parsed.error.issues.map(issueMessage).join('; '));
  }
  const o = parsed.data;
  if (o.start_time !== undefined && o.end_time !== undefined && o.end_time <= o.start_time) {
    throw new AppError('invalid_option', 'end_time must be greater than start_time');
  }
  return {
    startTime: o.start_time,
    endTime: o.end_time,
    audioKbps: o.audio_quality,
    videoHeight: o.video_quality,
    h264: o.h264 ?? false,
    subtitles: o.subtitles ?? false,
  };
}

/** An Idempotency-Key header: printable, at most 255 characters. */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const key = raw.trim();
  if (key === '' || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError('bad_request', 'Idempotency-Key must be 1–255 printable ASCII characters');
  }
  return key;
}

export function isConvertFormat(value: string): value is ConvertFormat {
  return (CONVERT_FORMATS as readonly string[]).includes(value);
}

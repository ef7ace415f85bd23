import { z } from 'zod';
import type { ErrorCode } from '../../lib/errors/app-error';
import { convertRequestSchema } from '../convert/convert.schemas';
import { compatErrorSchema, downloadCompatResponseSchema, downloadItemSchema, downloadRequestSchema, downloadV1ResponseSchema } from '../media/media.schemas';
import { errorTable } from './docs.errors';
import { CONTENT_REASONS } from '../twitter/twitter.types';

const EXAMPLE_POST = 'https://x.com/sim_media/status/993001';

/** Errors of /download and /convert, in the order they are checked. */
export const DOWNLOAD_ERROR_CODES: ErrorCode[] = [
  'missing_api_key',
  'invalid_api_key',
  'not_premium',
  'rate_limited',
  'unsupported_media_type',
  'invalid_json',
  'url_required',
  'invalid_url',
  'unsupported_url',
  ...CONTENT_REASONS,
  'no_media',
  'upstream_unavailable',
  'internal',
];

export const CONVERT_ERROR_CODES: ErrorCode[] = [
  'missing_api_key',
  'invalid_api_key',
  'not_premium',
  'rate_limited',
  'url_required',
  'invalid_url',
  'invalid_option',
  'output_too_long',
  'bad_request',
  'route_not_found',
  'post_not_found',
  'no_video',
  'no_audio',
  'convert_account_busy',
  'insufficient_credits',
  'convert_busy',
  'media_unavailable',
  'convert_failed',
  'upstream_unavailable',
  'internal',
];

export const MEDIA_LINK_ERROR_CODES: ErrorCode[] = ['media_link_invalid', 'media_link_expired', 'media_host_not_allowed', 'media_unavailable'];

/** The Facebo/Soundc documents' exact messages for these three; other types keep their message. */
export const COMPAT_MESSAGES = { 400: 'Missing URL', 401: 'Invalid API token', 402: 'Insufficient credits' } as const;

function samples(base: string) {
  const download = `${base}/api/download`;
  const mp3 = `${base}/api/convert/mp3`;
  return {
    curl: [
      `curl -X POST "${download}" \\\n  -H "Authorization: sk-YOUR_KEY" \\\n  -H "Content-Type: application/json" \\\n  -d '{"url": "${EXAMPLE_POST}"}'`,
      `curl -X POST "${mp3}" \\\n  -H "Authorization: sk-YOUR_KEY" \\\n  -H "Content-Type: application/json" \\\n  -H "Idempotency-Key: my-job-1" \\\n  -d '{"url": "${EXAMPLE_POST}", "options": {"audio_quality": "192", "start_time": 10, "end_time": 15}}' \\\n  --output output.mp3`,
    ].join('\n\n'),
    javascript: `const headers = { Authorization: "sk-YOUR_KEY", "Content-Type": "application/json" };\nconst list = await fetch("${download}", { method: "POST", headers, body: JSON.stringify({ url: "${EXAMPLE_POST}" }) });\nfor (const item of (await list.json()).items) console.log(item.type, item.url, item.download_url);\n\nconst res = await fetch("${mp3}", {\n  method: "POST",\n  headers,\n  body: JSON.stringify({ url: "${EXAMPLE_POST}", options: { audio_quality: "192", start_time: 10, end_time: 15 } }),\n});\nif (!res.ok) throw new Error((await res.json()).error);\nawait require("node:fs/promises").writeFile("output.mp3", Buffer.from(await res.arrayBuffer()));`,
    python: `import requests\n\nheaders = {"Authorization": "sk-YOUR_KEY", "Content-Type": "application/json"}\nr = requests.post("${download}", headers=headers, json={"url": "${EXAMPLE_POST}"})\nfor item in r.json().get("items", []):\n    print(f"Type: {item['type']}, URL: {item['url']}")\n\nr = requests.post(\n    "${mp3}",\n    headers=headers,\n    json={"url": "${EXAMPLE_POST}", "options": {"audio_quality": "192", "start_time": 10, "end_time": 15}},\n    stream=True,\n)\nif r.status_code == 200:\n    with open("output.mp3", "wb") as f:\n        for chunk in r.iter_content(chunk_size=8192):\n            f.write(chunk)\nelse:\n    print(f"Error: {r.status_code} - {r.text}")`,
    php: `<?php\n$ch = curl_init("${mp3}");\n$out = fopen("output.mp3", "wb");\ncurl_setopt_array($ch, [\n  CURLOPT_POST => true,\n  CURLOPT_HTTPHEADER => ["Authorization: sk-YOUR_KEY", "Content-Type: application/json"],\n  CURLOPT_POSTFIELDS => json_encode(["url" => "${EXAMPLE_POST}", "options" => ["audio_quality" => "192"]]),\n  CURLOPT_FILE => $out,\n]);\ncurl_exec($ch);\n$status = curl_getinfo($ch, CURLINFO_HTTP_CODE);\nfclose($out);\nif ($status !== 200) { echo "Error: $status - " . file_get_contents("output.mp3"); }`,
  };
}

/** The /download, /convert and download-link section of GET /api/v1/twitter. */
export function buildMediaDocs(baseUrl: string) {
  return {
    families: {
      compatible: {
        paths: ['POST /api/download', 'POST /api/convert/{mp3|mp4|wav|gif}'],
        auth: 'Authorization: sk-YOUR_KEY (raw, as the Facebo/Soundc documents show) or Authorization: Bearer sk-YOUR_KEY',
        errors: { envelope: z.toJSONSchema(compatErrorSchema), documented_messages: COMPAT_MESSAGES },
      },
      versioned: {
        paths: ['POST /api/v1/download', 'POST /api/v1/convert/{mp3|mp4|wav|gif}'],
        auth: 'Authorization: Bearer sk-YOUR_KEY',
        errors: 'the v1 envelope {code:-1, message, error:{type, request_id}}',
      },
      shared: 'Same keys, premium check, rate-limit windows and usage records as POST /api/v1/twitter.',
    },
    download: {
      request: z.toJSONSchema(downloadRequestSchema),
      response: { compatible: z.toJSONSchema(downloadCompatResponseSchema), versioned: z.toJSONSchema(downloadV1ResponseSchema), item: z.toJSONSchema(downloadItemSchema) },
      notes: 'One item per media item of the post, in post order (a quoted post\'s media only when the post has none of its own). Costs no credits.',
      errors: errorTable(DOWNLOAD_ERROR_CODES),
    },
    convert: {
      request: z.toJSONSchema(convertRequestSchema, { io: 'input' }),
      content_types: { mp3: 'audio/mpeg', mp4: 'video/mp4', wav: 'audio/wav', gif: 'image/gif' },
      behaviour: {
        mp3: 'libmp3lame CBR at audio_quality kbps (64–320, default 192)',
        wav: 'PCM signed 16-bit little-endian, source sample rate and channels',
        gif: 'palettegen/paletteuse, 12 fps, 480 px wide (never upscaled), at most CONVERT_GIF_MAX_SECONDS (default 30 s) of output',
        mp4: 'streams copied when the source is already H.264 and no trim is asked; re-encoded to H.264/AAC for a trim (frame-accurate) or h264:true on another codec; fragmented MP4 (plays from the first byte)',
        trim: 'start_time/end_time in seconds (decimals ok) within the media; output at most CONVERT_MAX_SECONDS (default 600)',
        subtitles: 'X\'s guest API exposes no captions: subtitles:true is accepted, nothing is embedded and the X-Subtitles: unavailable header says so',
      },
      credits: 'CONVERT_CREDIT_COST (default 1) per started minute of output, reserved before any work (402 Insufficient credits) and refunded when the conversion fails on our side or X\'s. Idempotency-Key: a retry with the same key within 24 h is not charged again. X-Credits-Charged tells what this call cost.',
      limits: 'CONVERT_MAX_PER_ACCOUNT conversions at once per account (429), CONVERT_CONCURRENCY per server with a short queue (503 + Retry-After).',
      streaming: 'The output is streamed as ffmpeg produces it. An error before the first byte is a JSON error; after it the connection is aborted (never a silently short file).',
      errors: errorTable(CONVERT_ERROR_CODES),
    },
    media_links: {
      path: 'GET /api/v1/media/{token}',
      auth: 'none: the token is an HMAC-signed, expiring link from /download',
      behaviour: 'Streams X\'s file through us with Content-Disposition: attachment; filename="<user>-<statusId>-<n>.<ext>", Content-Length and Range (206/416) passed through. Only video.twimg.com and pbs.twimg.com are ever fetched.',
      errors: errorTable(MEDIA_LINK_ERROR_CODES),
    },
    examples: samples(baseUrl),
  };
}

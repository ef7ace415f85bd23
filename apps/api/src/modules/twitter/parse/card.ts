import type { LiveCard } from '../twitter.types';
import { at, isRec, list, str } from './shape';

/**
 * Raw media objects of a `unified_card` (ad and "website" cards carry their video there instead
 * of in extended_entities; fixture #20): every kind (`video_website`, `video_app`, the image,
 * video and mixed-media carousels, single- or multi-destination) keeps its media in
 * `media_entities` keyed by id, with `video_info.variants` for videos. Order follows the card's
 * layout: `components`, then `layout.data.slides`, then `component_objects`, then any media
 * entity no component points at.
 */
export function unifiedCardMedia(card: unknown): unknown[] {
  const json = unifiedCardJson(card);
  if (json === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    // A broken card must not cost us the post's other media.
    return [];
  }
  const entities = at(parsed, 'media_entities');
  if (!isRec(entities)) return [];

  const objects = at(parsed, 'component_objects');
  const objectNames = [
    ...list(at(parsed, 'components')).filter((name): name is string => typeof name === 'string'),
    // Multi-destination carousels (`*_multi_dest_carousel_*`) have no `components`: their order
    // is `layout.data.slides`, one `[media component, details component]` pair per slide.
    ...list(at(parsed, 'layout', 'data', 'slides'))
      .flatMap((slide) => list(slide))
      .filter((name): name is string => typeof name === 'string'),
    ...(isRec(objects) ? Object.keys(objects) : []),
  ];
  const destinations = at(parsed, 'destination_objects');
  const orderedIds: string[] = [];
  const components = [
    ...objectNames.map((name) => at(objects, name)),
    // A destination (e.g. `browser_with_docked_media`) can show media of its own.
    ...(isRec(destinations) ? Object.values(destinations) : []),
  ];
  for (const component of components) {
    for (const id of mediaIdsOfComponent(component)) {
      if (!orderedIds.includes(id)) orderedIds.push(id);
    }
  }
  for (const id of Object.keys(entities)) {
    if (!orderedIds.includes(id)) orderedIds.push(id);
  }
  return orderedIds.map((id) => entities[id]).filter((media) => media !== undefined);
}

/** `media` components point at one entity (`id`, or `media_id` in destinations); `swipeable_media` (carousels) at several. */
function mediaIdsOfComponent(component: unknown): string[] {
  const single = str(at(component, 'data', 'id')) ?? str(at(component, 'data', 'media_id'));
  const many = list(at(component, 'data', 'media_list'))
    .map((item) => str(at(item, 'id')))
    .filter((id): id is string => id !== undefined);
  return single === undefined ? many : [single, ...many];
}

/**
 * GraphQL gives `binding_values` as `[{key, value}]`; the syndication endpoint as
 * `{key: value}`. Either way the card JSON sits in `unified_card.string_value`.
 */
function unifiedCardJson(card: unknown): string | undefined {
  const bindings = at(card, 'legacy', 'binding_values') ?? at(card, 'binding_values');
  if (Array.isArray(bindings)) {
    const entries: unknown[] = bindings;
    const entry = entries.find((binding) => at(binding, 'key') === 'unified_card');
    return str(at(entry, 'value', 'string_value'));
  }
  return str(at(bindings, 'unified_card', 'string_value'));
}

/** A binding value's string, from GraphQL's `[{key, value}]` or syndication's `{key: value}`. */
function bindingString(card: unknown, key: string): string | undefined {
  const bindings = at(card, 'legacy', 'binding_values') ?? at(card, 'binding_values');
  if (Array.isArray(bindings)) {
    const entries: unknown[] = bindings;
    return str(at(entries.find((binding) => at(binding, 'key') === key), 'value', 'string_value'));
  }
  return str(at(bindings, key, 'string_value'));
}

function cardName(card: unknown): string {
  const name = str(at(card, 'legacy', 'name')) ?? str(at(card, 'name')) ?? '';
  // X prefixes some names with an app id: `745291183405076480:broadcast`, `3691233323:audiospace`.
  return name.split(':').pop() ?? name;
}

/** Broadcast (`…:broadcast`, `periscope_broadcast`) and Space (`…:audiospace`) cards. */
export function liveCard(card: unknown): LiveCard | undefined {
  const name = cardName(card);
  if (name === 'broadcast' || name === 'periscope_broadcast') {
    const url = bindingString(card, 'broadcast_url');
    const id = bindingString(card, 'broadcast_id') ?? url?.split('/').pop();
    if (id === undefined || id === '') return undefined;
    const state = bindingString(card, 'broadcast_state');
    return { type: 'broadcast', id, url: `https://x.com/i/broadcasts/${id}`, ...(state === undefined ? {} : { state }) };
  }
  if (name === 'audiospace') {
    const id = bindingString(card, 'id');
    return id === undefined || id === '' ? undefined : { type: 'audio_space', id, url: `https://x.com/i/spaces/${id}` };
  }
  return undefined;
}

/**
 * Video cards that carry their own player instead of media entities: poll2choice_video …
 * poll4choice_video, promo_video_convo / promo_video_website, appplayer, amplify and `player`
 * cards bound to an X video. Their HLS playlist, when X gives one, is `player_hls_url`; their mp4s
 * sit only in a VMAP document on video.twimg.com (`player_stream_url`, or `amplify_url_vmap` for
 * amplify cards). The item keeps that VMAP URL in `vmap_url`; the X client reads it
 * (x-client/card-vmap.ts), the parser never fetches anything.
 */
export function playerCardMedia(card: unknown): unknown[] {
  const amplify = cardName(card) === 'amplify';
  const hls = bindingString(card, 'player_hls_url');
  const vmap = [amplify ? 'amplify_url_vmap' : 'player_stream_url', 'player_url']
    .map((key) => bindingString(card, key))
    .find((url): url is string => url !== undefined && isXVmapUrl(url));
  if (hls === undefined && vmap === undefined) return [];
  const image = playerImage(card);
  const contentId =
    bindingString(card, amplify ? 'amplify_content_id' : 'player_content_id') ??
    /\/(\d{6,})(?:\/|\.vmap)/.exec(hls ?? vmap ?? '')?.[1] ??
    hls ??
    vmap;
  const seconds = Number(bindingString(card, 'content_duration_seconds'));
  return [
    {
      type: 'video',
      id_str: contentId,
      media_url_https: image?.url ?? '',
      original_info: image ? { width: image.width, height: image.height } : undefined,
      video_info: {
        ...(Number.isFinite(seconds) && seconds > 0 ? { duration_millis: seconds * 1000 } : {}),
        variants: hls === undefined ? [] : [{ content_type: 'application/x-mpegURL', url: hls }],
      },
      ...(vmap === undefined ? {} : { vmap_url: vmap }),
    },
  ];
}

/**
 * Only X's own video host is ever asked for a VMAP: a `player` card can point anywhere (YouTube,
 * a publisher's player), and a URL from a post is not ours to fetch unless it is X's.
 */
export function isXVmapUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.hostname === 'video.twimg.com' && url.pathname.endsWith('.vmap');
}

function playerImage(card: unknown): { url: string; width: number; height: number } | undefined {
  const bindings = at(card, 'legacy', 'binding_values') ?? at(card, 'binding_values');
  for (const key of ['player_image_original', 'player_image_large', 'player_image']) {
    const value = Array.isArray(bindings)
      ? at((bindings as unknown[]).find((binding) => at(binding, 'key') === key), 'value', 'image_value')
      : at(bindings, key, 'image_value');
    const url = str(at(value, 'url'));
    const width = at(value, 'width');
    const height = at(value, 'height');
    if (url !== undefined && typeof width === 'number' && typeof height === 'number') return { url, width, height };
  }
  return undefined;
}

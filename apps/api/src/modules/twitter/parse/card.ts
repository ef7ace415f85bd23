import type { LiveCard } from '../twitter.types';
import { at, isRec, list, str } from './shape';

/**
 * Raw media objects of a `unified_card` (ad and "website" cards carry their video there instead
 * of in extended_entities; fixture #20). Order follows the card's layout: `components`, then
 * `component_objects`, then any media entity no component points at.
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
    ...(isRec(objects) ? Object.keys(objects) : []),
  ];
  const orderedIds: string[] = [];
  for (const name of objectNames) {
    for (const id of mediaIdsOfComponent(at(objects, name))) {
      if (!orderedIds.includes(id)) orderedIds.push(id);
    }
  }
  for (const id of Object.keys(entities)) {
    if (!orderedIds.includes(id)) orderedIds.push(id);
  }
  return orderedIds.map((id) => entities[id]).filter((media) => media !== undefined);
}

/** `media` components point at one entity; `swipeable_media` (carousels) at several. */
function mediaIdsOfComponent(component: unknown): string[] {
  const single = str(at(component, 'data', 'id'));
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
 * Video cards that carry their own player instead of media entities (poll2choice_video …
 * poll4choice_video, promo/amplify players): an HLS playlist in `player_hls_url`. Their mp4s sit
 * only in a VMAP document on video.twimg.com, which we do not fetch, so the item is HLS-only.
 */
export function playerCardMedia(card: unknown): unknown[] {
  const hls = bindingString(card, 'player_hls_url');
  if (hls === undefined) return [];
  const image = playerImage(card);
  const contentId = bindingString(card, 'player_content_id') ?? /\/(\d{6,})\//.exec(hls)?.[1] ?? hls;
  const seconds = Number(bindingString(card, 'content_duration_seconds'));
  return [
    {
      type: 'video',
      id_str: contentId,
      media_url_https: image?.url ?? '',
      original_info: image ? { width: image.width, height: image.height } : undefined,
      video_info: {
        ...(Number.isFinite(seconds) && seconds > 0 ? { duration_millis: seconds * 1000 } : {}),
        variants: [{ content_type: 'application/x-mpegURL', url: hls }],
      },
    },
  ];
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

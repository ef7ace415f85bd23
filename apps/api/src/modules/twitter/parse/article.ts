import { at, isRec, list, num, type Rec, str } from './shape';

/**
 * Media of an X Article (long-form post): `article.article_results.result`, asked for with the
 * `withArticleRichContentState` field toggle. The shape, as gallery-dl, FxEmbed and other readers
 * of X's API handle it (docs/x-upstream.md, "Articles"):
 *   - `cover_media`: `{media_id, media_key, media_info}`;
 *   - `media_entities[]`: the same, one per media item used in the body;
 *   - `content_state`: the Draft.js body, `blocks[]` whose `entityRanges[].key` point into
 *     `entityMap` (an array of `{key, value}` or an object by key); a `MEDIA` entity lists
 *     `data.mediaItems[].mediaId`, the `media_id` of a media entity.
 * `media_info.__typename` is `ApiImage` (`original_img_url`/`_width`/`_height`), `ApiVideo` or
 * `ApiGif` (`variants[]` with `bit_rate`, `preview_image`, `duration_millis`).
 *
 * Returned in X's `extended_entities.media` shape (media.ts reads it): the cover first, then
 * the body's media in reading order, then any media entity the body does not place.
 */
export function articleMedia(tweet: Rec): unknown[] {
  const article = at(tweet, 'article', 'article_results', 'result');
  if (!isRec(article)) return [];
  const entities = list(article.media_entities).filter(isRec);
  const byId = new Map<string, Rec>();
  for (const entity of entities) {
    const id = entityId(entity);
    if (id !== undefined && !byId.has(id)) byId.set(id, entity);
  }
  const ordered: Rec[] = [];
  const cover = at(article, 'cover_media');
  if (isRec(cover)) ordered.push(cover);
  for (const id of bodyMediaIds(at(article, 'content_state'))) {
    const entity = byId.get(id);
    if (entity !== undefined) ordered.push(entity);
  }
  ordered.push(...entities);
  const seen = new Set<string>();
  const raws: unknown[] = [];
  for (const entity of ordered) {
    const id = entityId(entity);
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    const raw = toExtendedMedia(entity, id);
    if (raw !== undefined) raws.push(raw);
  }
  return raws;
}

/** `media_id`, else the number after the `3_` / `13_` / `16_` prefix of `media_key`. */
function entityId(entity: Rec): string | undefined {
  return str(entity.media_id) ?? str(entity.media_key)?.split('_')[1] ?? str(entity.id);
}

function bodyMediaIds(contentState: unknown): string[] {
  const entityMap = at(contentState, 'entityMap');
  const entityByKey = (key: string): unknown => {
    if (Array.isArray(entityMap)) {
      const entries: unknown[] = entityMap;
      return at(entries.find((entry) => String(at(entry, 'key')) === key), 'value');
    }
    return at(entityMap, key);
  };
  const ids: string[] = [];
  for (const block of list(at(contentState, 'blocks'))) {
    for (const range of list(at(block, 'entityRanges'))) {
      const key = at(range, 'key');
      if (typeof key !== 'number' && typeof key !== 'string') continue;
      const entity = entityByKey(String(key));
      if (at(entity, 'type') !== 'MEDIA') continue;
      for (const item of list(at(entity, 'data', 'mediaItems'))) {
        const id = str(at(item, 'mediaId')) ?? str(at(item, 'media_id'));
        if (id !== undefined) ids.push(id);
      }
    }
  }
  return ids;
}

function toExtendedMedia(entity: Rec, id: string): Rec | undefined {
  const info = at(entity, 'media_info');
  const typename = str(at(info, '__typename'));
  if (typename === 'ApiImage') {
    const url = str(at(info, 'original_img_url'));
    if (url === undefined) return undefined;
    return { type: 'photo', id_str: id, media_url_https: url, original_info: size(info), ext_alt_text: at(info, 'ext_alt_text') };
  }
  if (typename !== 'ApiVideo' && typename !== 'ApiGif') return undefined;
  const preview = at(info, 'preview_image');
  const thumbnail = str(at(preview, 'original_img_url')) ?? str(at(info, 'media_url_https'));
  if (thumbnail === undefined) return undefined;
  // Seen both flat (`variants`, `bit_rate`) and in the tweet media shape (`video_info.variants`, `bitrate`).
  const variants = list(at(info, 'variants') ?? at(info, 'video_info', 'variants')).map((variant) => ({
    url: at(variant, 'url'),
    content_type: at(variant, 'content_type'),
    bitrate: num(at(variant, 'bit_rate')) ?? num(at(variant, 'bitrate')),
  }));
  const durationMs = num(at(info, 'duration_millis')) ?? num(at(info, 'video_info', 'duration_millis'));
  return {
    type: typename === 'ApiGif' ? 'animated_gif' : 'video',
    id_str: id,
    media_url_https: thumbnail,
    original_info: size(preview) ?? (isRec(at(info, 'original_info')) ? at(info, 'original_info') : undefined),
    video_info: { variants, ...(durationMs === undefined ? {} : { duration_millis: durationMs }) },
  };
}

function size(image: unknown): { width: number; height: number } | undefined {
  const width = num(at(image, 'original_img_width'));
  const height = num(at(image, 'original_img_height'));
  return width !== undefined && height !== undefined ? { width, height } : undefined;
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * X escapes exactly these three in `full_text`. One pass, so "&amp;lt;" becomes "&lt;" (what the
 * author typed) rather than "<".
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => ENTITIES[entity] ?? entity);
}

/**
 * X appends a t.co link to the attached media ("… https://t.co/abc"). It points back at the post
 * itself, so it is noise in a caption. Only the media entities' own links are removed, and only
 * at the end, so links the author wrote stay.
 */
export function stripMediaLinks(text: string, mediaLinks: readonly string[]): string {
  let result = text.trimEnd();
  let changed = true;
  while (changed) {
    changed = false;
    for (const link of mediaLinks) {
      if (link !== '' && result.endsWith(link)) {
        result = result.slice(0, -link.length).trimEnd();
        changed = true;
      }
    }
  }
  return result;
}

export function cleanText(text: string, mediaLinks: readonly string[]): string {
  return decodeEntities(stripMediaLinks(text, mediaLinks));
}

/**
 * `text` with every t.co link of the post's URL entities replaced by its `expanded_url` (X's own
 * entities, so nothing is fetched). Links without an entity (e.g. the media link, already
 * stripped from `text`) stay as they are.
 */
export function expandLinks(text: string, urlEntities: readonly unknown[]): string {
  let result = text;
  for (const entity of urlEntities) {
    if (typeof entity !== 'object' || entity === null) continue;
    const { url, expanded_url: expanded } = entity as { url?: unknown; expanded_url?: unknown };
    if (typeof url !== 'string' || typeof expanded !== 'string' || url === '' || expanded === '') continue;
    result = result.split(url).join(expanded);
  }
  return result;
}

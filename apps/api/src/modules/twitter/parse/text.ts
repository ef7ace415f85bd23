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

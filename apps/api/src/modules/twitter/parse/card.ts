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

import type { Plan } from '../plan/plan.schema.ts';

// R4.1 (S4): who counts as a user. Counted kinds come from the plan; one person with several counted items
// counts once; unassigned counted items count one each; not-counted kinds (voicemail boxes, greeting
// menus) count zero; a kind the plan names in neither list is reported, never silently counted.

export type PerUserPrice = Extract<Plan['price'], { rule: 'per-user' }>;
export type UserCounting = PerUserPrice['counting'];

/** One item on the customer's system: a phone, an extension, an app login, a voicemail box… */
export interface CountItem {
  id: string;
  kind: string;
  /** The person it is assigned to; null, missing or blank = unassigned. */
  assignedTo?: string | null;
}

export type CountedUser = { person: string; items: string[] } | { itemId: string; items: string[] };

export interface NotCountedItem {
  itemId: string;
  kind: string;
  reason: 'not-counted-kind' | 'unassigned' | 'duplicate-id';
}

export interface UserCount {
  count: number;
  counted: CountedUser[];
  notCounted: NotCountedItem[];
  /** Distinct kinds the plan lists neither as counted nor as not counted, in order of first appearance. */
  unknownKinds: string[];
  /** The items of those kinds; a caller should ask the vendor to classify them before invoicing. */
  unknownItems: CountItem[];
}

/** The key person names are compared by: NFKC, trimmed, spaces collapsed, case-folded. Example: personKey(' Ann  LEE ') === 'ann lee' */
export function personKey(name: string): string {
  // Upper then lower case approximates full case folding: 'Straße' and 'STRASSE' meet at 'strasse'.
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toUpperCase().toLowerCase();
}

function assignee(item: CountItem): string | null {
  const name = item.assignedTo?.trim();
  return name === undefined || name === '' ? null : name;
}

/**
 * Counts the users a per-user plan charges for (R4.1).
 * Example: countUsers([{ id: 'p1', kind: 'desk-phone', assignedTo: 'Ann' }, { id: 'a1', kind: 'app-user', assignedTo: 'ann ' }], counting)
 *   → { count: 1, counted: [{ person: 'Ann', items: ['p1', 'a1'] }], … }
 */
export function countUsers(items: readonly CountItem[], counting: UserCounting): UserCount {
  const counted = new Set(counting.counted);
  const notCountedKinds = new Set(counting.notCounted);
  const result: UserCount = { count: 0, counted: [], notCounted: [], unknownKinds: [], unknownItems: [] };
  const people = new Map<string, { person: string; items: string[] }>();
  const seenIds = new Set<string>();
  for (const item of items) {
    if (seenIds.has(item.id)) {
      result.notCounted.push({ itemId: item.id, kind: item.kind, reason: 'duplicate-id' });
      continue;
    }
    seenIds.add(item.id);
    if (notCountedKinds.has(item.kind)) {
      result.notCounted.push({ itemId: item.id, kind: item.kind, reason: 'not-counted-kind' });
    } else if (!counted.has(item.kind)) {
      if (!result.unknownKinds.includes(item.kind)) result.unknownKinds.push(item.kind);
      result.unknownItems.push(item);
    } else {
      countItem(item, counting, people, result);
    }
  }
  result.count = result.counted.length;
  return result;
}

function countItem(
  item: CountItem,
  counting: UserCounting,
  people: Map<string, { person: string; items: string[] }>,
  result: UserCount,
): void {
  const person = assignee(item);
  if (person === null) {
    if (counting.unassignedItemsCountEach) result.counted.push({ itemId: item.id, items: [item.id] });
    else result.notCounted.push({ itemId: item.id, kind: item.kind, reason: 'unassigned' });
    return;
  }
  if (!counting.onePersonCountsOnce) {
    result.counted.push({ person, items: [item.id] });
    return;
  }
  const key = personKey(person);
  const existing = people.get(key);
  if (existing !== undefined) {
    existing.items.push(item.id);
    return;
  }
  const entry = { person, items: [item.id] };
  people.set(key, entry);
  result.counted.push(entry);
}

import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../../test/plan/plan-helpers.ts';
import { type CountItem, countUsers, type UserCounting } from './seat-count.ts';

const s4 = loadPreset('per-user-subscription');
if (s4.price.rule !== 'per-user') throw new Error('S4 preset is expected to price per user');
const S4_COUNTING = s4.price.counting;

const item = (id: string, kind: string, assignedTo?: string | null): CountItem =>
  assignedTo === undefined ? { id, kind } : { id, kind, assignedTo };

describe('R4.1 (S4): who counts as a user', () => {
  it.each<[string, CountItem[], number]>([
    [
      'desk phone + app for one person = 1',
      [item('p1', 'desk-phone', 'Ann Lee'), item('a1', 'app-user', 'Ann Lee')],
      1,
    ],
    [
      'voicemail box and greeting menu/phone tree = 0',
      [item('v1', 'voicemail-box', 'Ann'), item('g1', 'greeting-menu')],
      0,
    ],
    ['unassigned desk phone = 1 each', [item('p1', 'desk-phone'), item('p2', 'desk-phone', null)], 2],
    [
      'an unassigned phone with a blank name counts on its own',
      [item('p1', 'desk-phone', '  '), item('p2', 'desk-phone', 'Bo')],
      2,
    ],
    [
      'two people sharing nothing = 2',
      [item('p1', 'desk-phone', 'Ann'), item('p2', 'cordless-phone', 'Bo')],
      2,
    ],
    [
      'person names compared after trim + case-fold',
      [
        item('p1', 'desk-phone', 'Ann Lee'),
        item('a1', 'app-user', '  ann LEE '),
        item('x1', 'extension', 'ANN  lee'),
      ],
      1,
    ],
    [
      'conference speakerphone, extension, cordless phone are counted kinds',
      [item('c1', 'conference-speakerphone'), item('e1', 'extension'), item('k1', 'cordless-phone')],
      3,
    ],
    [
      'a person with only a voicemail box does not count',
      [item('v1', 'voicemail-box', 'Ann'), item('p1', 'desk-phone', 'Bo')],
      1,
    ],
    ['an empty system = 0', [], 0],
    [
      'case folding beyond ASCII: Jörg Straße = JÖRG STRASSE',
      [item('p1', 'desk-phone', 'Jörg Straße'), item('a1', 'app-user', 'JÖRG STRASSE')],
      1,
    ],
  ])('R4.1 (S4): %s', (_name, items, count) => {
    expect(countUsers(items, S4_COUNTING).count).toBe(count);
  });

  it('R4.1 (S4): an unknown kind is reported, not silently counted', () => {
    const result = countUsers(
      [
        item('f1', 'fax-machine', 'Ann'),
        item('f2', 'fax-machine'),
        item('p1', 'desk-phone', 'Ann'),
        item('d1', 'door-phone'),
      ],
      S4_COUNTING,
    );
    expect(result.count).toBe(1);
    expect(result.unknownKinds).toEqual(['fax-machine', 'door-phone']);
    expect(result.unknownItems.map((i) => i.id)).toEqual(['f1', 'f2', 'd1']);
  });

  it('R4.1 (S4): the result lists who was counted with which items, and why others were not', () => {
    const result = countUsers(
      [
        item('p1', 'desk-phone', 'Ann'),
        item('v1', 'voicemail-box', 'Ann'),
        item('a1', 'app-user', 'ann'),
        item('p2', 'desk-phone'),
        item('p1', 'desk-phone', 'Bo'),
      ],
      S4_COUNTING,
    );
    expect(result.counted).toEqual([
      { person: 'Ann', items: ['p1', 'a1'] },
      { itemId: 'p2', items: ['p2'] },
    ]);
    expect(result.notCounted).toEqual([
      { itemId: 'v1', kind: 'voicemail-box', reason: 'not-counted-kind' },
      { itemId: 'p1', kind: 'desk-phone', reason: 'duplicate-id' },
    ]);
  });

  it('R4.1: an edited plan can count every item, or skip unassigned ones', () => {
    const items = [item('p1', 'desk-phone', 'Ann'), item('a1', 'app-user', 'Ann'), item('p2', 'desk-phone')];
    const perItem: UserCounting = { ...S4_COUNTING, onePersonCountsOnce: false };
    expect(countUsers(items, perItem).count).toBe(3);
    const assignedOnly: UserCounting = { ...S4_COUNTING, unassignedItemsCountEach: false };
    const result = countUsers(items, assignedOnly);
    expect(result.count).toBe(1);
    expect(result.notCounted).toEqual([{ itemId: 'p2', kind: 'desk-phone', reason: 'unassigned' }]);
  });
});

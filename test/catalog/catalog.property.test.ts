import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import type { Release } from '../../src/schema/catalog.schema.ts';
import { VersionSchema } from '../../src/schema/catalog.schema.ts';
import { checkFileName, contentDisposition } from '../../src/server/catalog/artifacts.service.ts';
import { compareReleasesDesc, pageAfter } from '../../src/server/catalog/releases.service.ts';

const version = fc
  .tuple(
    fc.nat(20),
    fc.nat(20),
    fc.nat(20),
    fc.option(fc.constantFrom('alpha', 'alpha.2', 'alpha.10', 'rc.1', 'beta')),
  )
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);

function release(id: string, v: string, productId = 'prd_a'): Release {
  const p = semver.parse(v)!;
  return {
    id,
    productId,
    version: v,
    major: p.major,
    minor: p.minor,
    patch: p.patch,
    prerelease: p.prerelease.join('.') || null,
    publishedOn: '2026-01-01',
    effectiveOn: '2026-01-01',
    notes: '',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('catalog properties', () => {
  it('pagination: walking pages by nextCursor yields every item once, in order, for any limit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, limit) => {
          const items = ids.map((id) => ({ id }));
          const seen: string[] = [];
          let cursor: string | undefined;
          for (let guard = 0; guard <= items.length + 1; guard++) {
            const page = pageAfter(items, limit, cursor);
            seen.push(...page.items.map((i) => i.id));
            if (page.nextCursor === null) break;
            cursor = page.nextCursor;
          }
          expect(seen).toEqual(ids);
        },
      ),
    );
  });

  it('release order is semver precedence, highest first (prereleases below their release)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(version, { maxLength: 25 }), (versions) => {
        const sorted = versions.map((v, i) => release(`rel_${i}`, v)).sort(compareReleasesDesc);
        expect(sorted.map((r) => r.version)).toEqual([...versions].sort(semver.rcompare));
      }),
    );
  });

  it('the version schema accepts exactly what semver accepts as a strict version', () => {
    fc.assert(
      fc.property(fc.oneof(version, fc.string({ maxLength: 12 })), (text) => {
        const strict = semver.valid(text) === text && !text.startsWith('v');
        expect(VersionSchema.safeParse(text).success).toBe(strict);
      }),
    );
  });

  it('an accepted file name has no path or control characters, and its Content-Disposition is one safe header line', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('/', '\\', '\n', '"', '%', ';', '\u202e', '\ud800'),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
          ),
          maxLength: 40,
        }),
        (raw) => {
          const checked = checkFileName(raw);
          if (!checked.ok) return;
          // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
          expect(checked.fileName).not.toMatch(/[/\\\u0000-\u001f\u007f]/);
          const header = contentDisposition(checked.fileName);
          expect(header).toMatch(
            /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%._~!-]*$/,
          );
          const fallback = header.slice('attachment; filename="'.length, header.indexOf('"; filename*'));
          expect(fallback).not.toMatch(/["\\]/);
          expect(decodeURIComponent(header.slice(header.indexOf("''") + 2))).toBe(checked.fileName);
        },
      ),
    );
  });
});

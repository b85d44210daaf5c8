import { z } from 'zod';
import { WireCivilDateSchema } from './common.schema.ts';
import { PageQuerySchema } from './pagination.schema.ts';

/** Wire schemas of the catalog: products, prices, releases, artifacts, compatibility (R1.2). See docs/catalog.md. */

export const CivilDateSchema = WireCivilDateSchema.describe('A civil date, YYYY-MM-DD, years 1900–2199.');

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const SlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(SLUG, 'lowercase letters, digits and single hyphens, e.g. `pbx-manager`');

/** Semantic Versioning 2.0.0 (semver.org's own pattern): MAJOR.MINOR.PATCH[-prerelease][+build], no leading `v`. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
/** Each numeric part is stored as a 32-bit integer. */
const VERSION_PART_MAX = 2 ** 31 - 1;
export const VersionSchema = z
  .string()
  .max(100)
  .regex(SEMVER, 'a semantic version MAJOR.MINOR.PATCH, e.g. `4.2.1` or `5.0.0-rc.1`')
  .refine(
    (v) =>
      v
        .split(/[-+]/)[0]
        ?.split('.')
        .every((n) => Number(n) <= VERSION_PART_MAX) ?? true,
    {
      message: `MAJOR, MINOR and PATCH are each at most ${2 ** 31 - 1}`,
    },
  )
  .describe('Semantic version (semver.org), e.g. `4.2.1`.');

export const PriceSchema = z
  .object({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals, e.g. EUR')
      .describe('ISO 4217 currency code.'),
    amountMinor: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .describe('List price in minor units (cents), e.g. 49900 = 499.00.'),
  })
  .meta({ id: 'Price' });

const PricesSchema = z
  .array(PriceSchema)
  .max(50)
  .refine((prices) => new Set(prices.map((p) => p.currency)).size === prices.length, {
    message: 'one price per currency',
  })
  .describe('List prices, one per currency.');

export const ProductSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    category: z.string().describe('Category slug; the S0 renewal price table is keyed by it.'),
    description: z.string(),
    planKey: z.string().describe('The plan new contracts for this product are sold under.'),
    prices: z.array(PriceSchema),
    createdAt: z.iso.datetime(),
    archivedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'Product' });
export type Product = z.infer<typeof ProductSchema>;

const NameSchema = z.string().trim().min(1).max(200);
const DescriptionSchema = z.string().max(20_000);
const PlanKeySchema = z.string().min(1).max(64).describe('Key of a stored plan, e.g. `annual-maintenance`.');

export const ProductCreateSchema = z.object({
  slug: SlugSchema.describe('Unique product slug.'),
  name: NameSchema,
  category: SlugSchema.describe('Category slug, e.g. `standard` or `enterprise`.'),
  description: DescriptionSchema.default(''),
  planKey: PlanKeySchema,
  prices: PricesSchema.default([]),
});
export type ProductCreate = z.infer<typeof ProductCreateSchema>;

export const ProductUpdateSchema = z
  .object({
    name: NameSchema.optional(),
    category: SlugSchema.optional(),
    description: DescriptionSchema.optional(),
    planKey: PlanKeySchema.optional(),
    archived: z
      .boolean()
      .optional()
      .describe(
        'Archive (true) or restore (false); archived products stay readable but leave the default list.',
      ),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'send at least one of name, category, description, planKey, archived',
  });
export type ProductUpdate = z.infer<typeof ProductUpdateSchema>;

export const PricesPutSchema = z.object({ prices: PricesSchema });

export const IdParamsSchema = z.object({ id: z.string().min(1).max(64) });

export const ProductListQuerySchema = PageQuerySchema.extend({
  category: SlugSchema.optional().describe('Only products of this category.'),
  includeArchived: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Also list archived products.'),
});

export const ReleaseSchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    version: z.string(),
    major: z.number().int(),
    minor: z.number().int(),
    patch: z.number().int(),
    prerelease: z.string().nullable(),
    publishedOn: CivilDateSchema,
    effectiveOn: CivilDateSchema.describe(
      'The date licensing counts the release from (R0.3): publishedOn, or an earlier covered date for a patch.',
    ),
    notes: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Release' });
export type Release = z.infer<typeof ReleaseSchema>;

export const ReleaseCreateSchema = z
  .object({
    version: VersionSchema,
    publishedOn: CivilDateSchema,
    effectiveOn: CivilDateSchema.optional().describe(
      'Backdate a patch of a covered version to this date (≤ publishedOn, R0.3); default publishedOn.',
    ),
    notes: z.string().max(20_000).default(''),
  })
  .refine((b) => b.effectiveOn === undefined || b.effectiveOn <= b.publishedOn, {
    message: 'effectiveOn must not be after publishedOn',
    path: ['effectiveOn'],
  });
export type ReleaseCreate = z.infer<typeof ReleaseCreateSchema>;

export const ReleaseListQuerySchema = PageQuerySchema.extend({
  productId: z.string().min(1).max(64).optional().describe('Only releases of this product.'),
  entitled: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe(
      '`true`: only releases the caller may download today (customers); `false`: only those it may not.',
    ),
});

export const ProductReleaseListQuerySchema = ReleaseListQuerySchema.omit({ productId: true });

const ReleaseRefSchema = z.object({ id: z.string(), version: z.string(), publishedOn: CivilDateSchema });

export const ProductLineSchema = z
  .object({
    major: z.number().int(),
    releaseCount: z.number().int(),
    first: ReleaseRefSchema.describe('The earliest-published release of the line.'),
    latest: ReleaseRefSchema.describe('The highest version of the line.'),
  })
  .meta({ id: 'ProductLine' });

export const ArtifactSchema = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string().describe('SHA-256 of the bytes, lowercase hex; also the download ETag.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Artifact' });
export type Artifact = z.infer<typeof ArtifactSchema>;

export const ArtifactUploadQuerySchema = z.object({
  fileName: z
    .string()
    .min(1)
    .max(200)
    .describe('The name the file downloads as: no slashes or control characters, at most 200 characters.'),
});

const PlatformSchema = z.object({
  platform: z.string().trim().min(1).max(100).describe('e.g. `Asterisk`, `Windows Server`.'),
  versions: z.array(z.string().trim().min(1).max(50)).min(1).max(200).describe('Compatible versions.'),
});

export const CompatibilityCreateSchema = z.object({
  effectiveFrom: CivilDateSchema.describe('The declaration is in force from this date until the next one.'),
  platforms: z.array(PlatformSchema).max(100),
  note: z.string().max(2000).default(''),
});

export const CompatibilitySchema = z
  .object({
    id: z.string(),
    productId: z.string(),
    effectiveFrom: CivilDateSchema,
    platforms: z.array(PlatformSchema),
    note: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CompatibilityDeclaration' });
export type CompatibilityDeclaration = z.infer<typeof CompatibilitySchema>;

export const CompatibilityQuerySchema = z.object({
  on: CivilDateSchema.optional().describe('The date to recall the declaration for; default today (UTC).'),
});

export const CompatibilityListSchema = z
  .object({
    on: CivilDateSchema,
    inForce: CompatibilitySchema.nullable().describe('The latest declaration with effectiveFrom ≤ on.'),
    items: z.array(CompatibilitySchema).describe('Every declaration, newest effectiveFrom first.'),
  })
  .meta({ id: 'CompatibilityList' });

import { z } from 'zod';
import { ScopeSchema } from './auth.schema.ts';
import { PageQuerySchema } from './pagination.schema.ts';

/** What a customer system holds (R4.1); the plan's counting rule says which kinds count as users. */
export const ITEM_KINDS = [
  'desk-phone',
  'cordless-phone',
  'conference-speakerphone',
  'extension',
  'app-user',
  'voicemail-box',
  'greeting-menu',
] as const;
export const ItemKindSchema = z.enum(ITEM_KINDS).describe('What the item is (R4.1).');
export type ItemKind = z.infer<typeof ItemKindSchema>;

const id = (what: string) => z.string().min(1).max(64).describe(what);
const text = (max: number) => z.string().trim().min(1).max(max);

export const SystemIdParamsSchema = z.object({ id: id('The system id (sys_…).') });
export const SystemItemParamsSchema = z.object({
  id: id('The system id (sys_…).'),
  itemId: id('The item id (sit_…).'),
});
export const BackupIdParamsSchema = z.object({ id: id('The backup id (bak_…).') });

export const SystemCreateRequestSchema = z
  .object({
    organisationId: id(
      'The owning organisation; staff must name it, a customer may omit it (its own).',
    ).optional(),
    name: text(200).describe('A name the customer knows the system by, e.g. "Head office PBX".'),
    contractId: id('The per-user subscription this system is counted under (same organisation).')
      .nullable()
      .optional(),
  })
  .meta({ id: 'SystemCreateRequest' });

export const SystemUpdateRequestSchema = z
  .object({
    name: text(200).optional(),
    contractId: id('Link the system to this contract of the same organisation; null unlinks it.')
      .nullable()
      .optional(),
  })
  .meta({ id: 'SystemUpdateRequest' });

export const SystemItemCreateRequestSchema = z
  .object({
    kind: ItemKindSchema,
    label: text(200).describe('e.g. "Ext. 204" or "Polycom in room 3".'),
    assignedTo: z
      .string()
      .trim()
      .max(200)
      .nullable()
      .optional()
      .describe('The person using it; one person with several counted items counts once (R4.1).'),
  })
  .meta({ id: 'SystemItemCreateRequest' });

export const SystemItemSchema = z
  .object({
    id: z.string(),
    systemId: z.string(),
    kind: ItemKindSchema,
    label: z.string(),
    assignedTo: z.string().nullable(),
    createdAt: z.iso.datetime(),
    removedAt: z.iso.datetime().nullable().describe('Set once the item was removed; it no longer counts.'),
  })
  .meta({ id: 'SystemItem' });
export type SystemItem = z.infer<typeof SystemItemSchema>;

export const SystemSchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    contractId: z.string().nullable(),
    name: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'System' });
export type System = z.infer<typeof SystemSchema>;

export const SystemDetailSchema = SystemSchema.extend({
  items: z.array(SystemItemSchema).describe('Current items (removed ones are left out).'),
}).meta({ id: 'SystemDetail' });

export const SystemListQuerySchema = PageQuerySchema.extend({
  organisationId: z.string().min(1).max(64).optional().describe('Staff: only this organisation.'),
});

const CountedUserSchema = z.object({
  person: z.string().nullable().describe('The person counted once; null for an unassigned item.'),
  items: z.array(z.string()).describe('The item ids behind this user.'),
});

export const UserCountSchema = z
  .object({
    systemId: z.string(),
    contractId: z.string().nullable(),
    planKey: z.string(),
    count: z.number().int().describe('Counted users (R4.1).'),
    counted: z.array(CountedUserSchema),
    notCounted: z.array(
      z.object({
        itemId: z.string(),
        kind: z.string(),
        reason: z.enum(['not-counted-kind', 'unassigned', 'duplicate-id']),
      }),
    ),
    unknownKinds: z.array(z.string()).describe('Kinds the plan lists neither as counted nor as not counted.'),
  })
  .meta({ id: 'UserCount' });
export type UserCountResponse = z.infer<typeof UserCountSchema>;

export const SystemApiKeyCreateRequestSchema = z
  .object({ name: text(100).default('system key') })
  .meta({ id: 'SystemApiKeyCreateRequest' });

export const SystemApiKeyCreatedSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(ScopeSchema),
    systemId: z.string(),
    createdAt: z.iso.datetime(),
    key: z.string().describe('The full key, shown in this response only; store it on the system.'),
  })
  .meta({ id: 'SystemApiKeyCreated' });

export const SystemApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The visible part of the key, `upk_<prefix>_…`.'),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'SystemApiKey' });

export const BackupSchema = z
  .object({
    id: z.string(),
    systemId: z.string(),
    sizeBytes: z.number().int(),
    sha256: z.string().describe('Hex SHA-256 of the bytes as received.'),
    createdAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable().describe('Set when the file was deleted after retention (R4.3).'),
    deletedReason: z.string().nullable(),
  })
  .meta({ id: 'Backup' });
export type Backup = z.infer<typeof BackupSchema>;

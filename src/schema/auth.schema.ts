import { z } from 'zod';

/** Staff roles: the vendor's people. An admin has every agent right. */
export const ROLES = ['admin', 'agent'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** Customer roles: people of a customer organisation. A customer-admin has every customer-user right. */
export const CUSTOMER_ROLES = ['customer-admin', 'customer-user'] as const;
export const CustomerRoleSchema = z.enum(CUSTOMER_ROLES);
export type CustomerRole = z.infer<typeof CustomerRoleSchema>;

export const AccountRoleSchema = z.enum([...ROLES, ...CUSTOMER_ROLES]);
export type AccountRole = z.infer<typeof AccountRoleSchema>;

/** What an API key may be granted; later issues add their scopes here. */
export const SCOPES = [
  'plans:read',
  'catalog:read',
  'catalog:write',
  'customers:read',
  'customers:write',
  'contracts:read',
  'contracts:write',
  'billing:read',
  'billing:write',
  'licenses:read',
  'licenses:write',
  'systems:write',
  'tickets:read',
  'tickets:write',
] as const;
export const ScopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof ScopeSchema>;

export const AccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: AccountRoleSchema,
    organisationId: z
      .string()
      .nullable()
      .describe("The customer organisation of a customer account; null for the vendor's staff."),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof AccountSchema>;

export const LoginRequestSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const SessionResponseSchema = z
  .object({
    account: AccountSchema,
    csrfToken: z
      .string()
      .describe(
        'Send it in the `x-csrf-token` header on every POST/PUT/PATCH/DELETE made with the session cookie.',
      ),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'Session' });

export const ApiKeyCreateRequestSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ScopeSchema).min(1).max(SCOPES.length),
});

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The visible part of the key, `upk_<prefix>_…`, to tell keys apart.'),
    scopes: z.array(ScopeSchema),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiKey' });
export type ApiKey = z.infer<typeof ApiKeySchema>;

export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z
    .string()
    .describe('The full key. Shown only in this response: store it now, it cannot be retrieved.'),
}).meta({ id: 'ApiKeyCreated' });

export const ApiKeyIdParamsSchema = z.object({ id: z.string().min(1).max(64) });
export const OneTimeTokenParamsSchema = z.object({ token: z.string().min(1).max(128) });

import { z } from 'zod';
import { AccountSchema, RoleSchema } from './auth.schema.ts';

/** Password length bounds (characters). The upper bound keeps one scrypt call's input small. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export const PasswordChangeRequestSchema = z.object({
  currentPassword: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('Required when the account already has a password.'),
  newPassword: z
    .string()
    .min(PASSWORD_MIN_LENGTH)
    .max(PASSWORD_MAX_LENGTH)
    .describe(
      `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters; common or obviously weak passwords are refused.`,
    ),
});

export const AccountDetailsSchema = AccountSchema.extend({
  disabled: z.boolean(),
  hasPassword: z.boolean().describe('False until the account sets a password (it signs in with links).'),
  createdAt: z.iso.datetime(),
}).meta({ id: 'AccountDetails' });
export type AccountDetails = z.infer<typeof AccountDetailsSchema>;

const NameSchema = z.string().trim().min(1).max(100);

export const AccountCreateRequestSchema = z.object({
  email: z.email().max(254),
  name: NameSchema,
  role: RoleSchema,
});

export const AccountUpdateRequestSchema = z
  .object({
    name: NameSchema.optional(),
    role: RoleSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'send at least one of name, role, disabled',
  });
export type AccountUpdate = z.infer<typeof AccountUpdateRequestSchema>;

export const LoginLinkSchema = z
  .object({
    url: z.string().describe('The one-time sign-in link: single use; give it to the account holder only.'),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: 'LoginLink' });

export const AccountCreatedSchema = z
  .object({ account: AccountDetailsSchema, loginLink: LoginLinkSchema })
  .meta({ id: 'AccountCreated' });

export const AccountListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  after: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('The `nextCursor` of the previous page; accounts are listed in id order (creation order).'),
});

export const AccountPageSchema = z
  .object({
    items: z.array(AccountDetailsSchema),
    nextCursor: z.string().nullable().describe('Pass as `after` for the next page; null on the last page.'),
  })
  .meta({ id: 'AccountPage' });

export const AccountIdParamsSchema = z.object({ id: z.string().min(1).max(64) });

/** A colleague as every staff member may see them: enough to hand a ticket over (GET /v1/staff). */
export const StaffMemberSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(['admin', 'agent']) })
  .meta({ id: 'StaffMember' });

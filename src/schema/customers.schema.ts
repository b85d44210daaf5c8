import { z } from 'zod';
import { CustomerRoleSchema } from './auth.schema.ts';
import { PageQuerySchema, pageOf } from './pagination.schema.ts';

/**
 * Customers: organisations, their users (customer-admin, customer-user), invitations, the
 * product-update mailing list (R1.1) and restrictions (R1.3, R1.4). Shared with the web app.
 * Lists are pages `{ items, nextCursor }` in id (creation) order (pagination.schema.ts).
 */

const IdSchema = z.string().min(1).max(64);
const NameSchema = z.string().trim().min(1).max(200);

// ── Organisations ──────────────────────────────────────────────────────────────────────────────

export const OrganisationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    externalRef: z.string().nullable().describe('A CRM id or import key; unique when set.'),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'Organisation' });
export type Organisation = z.infer<typeof OrganisationSchema>;

const ExternalRefSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('A CRM id or import key; unique across organisations (ALREADY_EXISTS when taken).');

export const OrganisationCreateRequestSchema = z.object({
  name: NameSchema.describe('The customer organisation, e.g. "Acme GmbH".'),
  externalRef: ExternalRefSchema.optional(),
});

export const OrganisationUpdateRequestSchema = z
  .object({
    name: NameSchema.optional(),
    externalRef: ExternalRefSchema.nullable().optional().describe('null removes the reference.'),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'send at least one of name, externalRef',
  });
export type OrganisationUpdate = z.infer<typeof OrganisationUpdateRequestSchema>;

export const OrganisationListQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Only organisations whose name contains this text.'),
  externalRef: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe('Only the organisation with this external reference (CRM id, import key).'),
});

export const OrganisationPageSchema = pageOf(OrganisationSchema, 'OrganisationPage');

export const OrganisationIdParamsSchema = z.object({ id: IdSchema.describe('The organisation id (org_…).') });

// ── Customer users and invitations ─────────────────────────────────────────────────────────────

export const CustomerUserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: CustomerRoleSchema,
    organisationId: z.string(),
    disabled: z.boolean(),
    hasPassword: z.boolean().describe('False until the user sets a password (they sign in with links).'),
    createdAt: z.iso.datetime(),
    registeredAt: z.iso
      .datetime()
      .nullable()
      .describe('R1.1 (S1): when the user accepted the invitation ("registered on the desk"); null before.'),
    productUpdatesSubscribed: z.boolean().describe('R1.1 (S1): on the product-update mailing list.'),
    productUpdatesChangedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'CustomerUser' });
export type CustomerUser = z.infer<typeof CustomerUserSchema>;

export const CustomerUserCreateRequestSchema = z.object({
  email: z.email().max(254),
  name: NameSchema,
  role: CustomerRoleSchema.describe('customer-admin or customer-user; staff roles cannot be given here.'),
});

export const CustomerUserUpdateRequestSchema = z
  .object({
    name: NameSchema.optional(),
    role: CustomerRoleSchema.optional(),
    disabled: z.boolean().optional().describe('true ends the user’s sessions and stops their links.'),
  })
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'send at least one of name, role, disabled',
  });
export type CustomerUserUpdate = z.infer<typeof CustomerUserUpdateRequestSchema>;

export const InvitationSchema = z
  .object({
    sentTo: z.string().describe('The invitation link is emailed here (outbox topic customer.invited).'),
    expiresAt: z.iso.datetime().describe('The link is single use and valid 7 days.'),
  })
  .meta({ id: 'Invitation' });

export const CustomerUserCreatedSchema = z
  .object({ user: CustomerUserSchema, invitation: InvitationSchema })
  .meta({ id: 'CustomerUserCreated' });

export const CustomerUserPageSchema = pageOf(CustomerUserSchema, 'CustomerUserPage');

export const CustomerUserParamsSchema = z.object({
  id: IdSchema.describe('The organisation id (org_…).'),
  userId: IdSchema.describe('The user’s account id (acc_…).'),
});

// ── Magic link and mailing list ────────────────────────────────────────────────────────────────

export const MagicLinkRequestSchema = z.object({ email: z.email().max(254) });

export const MagicLinkAcceptedSchema = z
  .object({
    message: z.string().describe('Always the same text, whether or not the email has an account.'),
  })
  .meta({ id: 'MagicLinkAccepted' });

export const SubscriptionsSchema = z
  .object({
    productUpdates: z
      .boolean()
      .describe(
        'R1.1 (S1): on the product-update mailing list; where the plan requires it, leaving it loses support.',
      ),
    changedAt: z.iso.datetime().nullable().describe('When the choice last changed; null if never.'),
  })
  .meta({ id: 'Subscriptions' });

export const SubscriptionsUpdateRequestSchema = z.object({ productUpdates: z.boolean() });

// ── Restrictions (R1.3, R1.4) ──────────────────────────────────────────────────────────────────

export const RESTRICTION_KINDS = ['suspension', 'revocation'] as const;
export const RevocableRightSchema = z.enum(['support', 'updates', 'refund']);
/** R1.3: the reason of a revocation for abusive conduct. */
export const ABUSE_REASON = 'abuse';

export const RestrictionSchema = z
  .object({
    id: z.string(),
    organisationId: z.string(),
    kind: z.enum(RESTRICTION_KINDS),
    reason: z.string().describe("A plan refusal reason key (R1.4) or 'abuse' (R1.3)."),
    revokes: z.array(RevocableRightSchema),
    note: z.string(),
    startsAt: z.iso.datetime(),
    recordedBy: z.string().nullable(),
    liftedAt: z.iso.datetime().nullable(),
    liftedBy: z.string().nullable(),
    liftNote: z.string().nullable(),
    active: z.boolean().describe('True until lifted.'),
  })
  .meta({ id: 'Restriction' });
export type Restriction = z.infer<typeof RestrictionSchema>;

export const RestrictionCreateRequestSchema = z.object({
  kind: z
    .enum(RESTRICTION_KINDS)
    .describe('suspension: a refusal reason (R1.4), suspends support; revocation: abusive conduct (R1.3).'),
  reason: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a lowercase slug, e.g. refund-abuse')
    .describe(
      "A slug: 'abuse', or a refusal reason key of the plans of the organisation's contracts (checked when it has contracts).",
    ),
  revokes: z
    .array(RevocableRightSchema)
    .min(1)
    .max(3)
    .optional()
    .describe(
      "Default: suspension → [support]; revocation → the plans' abuseRevokes, else support, updates, refund.",
    ),
  note: z.string().trim().max(2000).default(''),
  startsAt: z.iso.datetime().optional().describe('Default now; may be in the past, not in the future.'),
});
export type RestrictionCreate = z.infer<typeof RestrictionCreateRequestSchema>;

export const RestrictionLiftRequestSchema = z.object({ note: z.string().trim().min(1).max(2000) });

export const RestrictionListQuerySchema = z.object({
  active: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only active ones; false: only lifted ones; absent: all.'),
});

export const RestrictionListSchema = z
  .object({ items: z.array(RestrictionSchema) })
  .meta({ id: 'RestrictionList' });

export const RestrictionParamsSchema = z.object({
  id: IdSchema.describe('The organisation id (org_…).'),
  restrictionId: IdSchema.describe('The restriction id (rst_…).'),
});

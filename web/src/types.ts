/** Wire types, inferred from the API's own schemas (type-only: nothing of them reaches the bundle). */
import type { z } from 'zod';
import type { Account, ApiKey } from '../../src/schema/auth.schema.ts';
import type { Artifact, Product, Release } from '../../src/schema/catalog.schema.ts';
import type {
  ContractDetail,
  ContractSummary,
  OrderResultSchema,
  Quote,
} from '../../src/schema/contracts.schema.ts';
import type { Organisation, Restriction } from '../../src/schema/customers.schema.ts';
import type { TicketAttachment } from '../../src/schema/ticket-conduct.schema.ts';
import type { Estimate, TimeEntry } from '../../src/schema/ticket-work.schema.ts';
import type {
  Budget,
  IntakeRefusalSchema,
  MaintenanceNoticeSchema,
  SlaClockView,
  Ticket,
  TicketMessageSchema,
} from '../../src/schema/tickets.schema.ts';

export type {
  Account,
  ApiKey,
  Artifact,
  Budget,
  ContractDetail,
  ContractSummary,
  Estimate,
  Organisation,
  Product,
  Quote,
  Release,
  Restriction,
  SlaClockView,
  Ticket,
  TicketAttachment,
  TimeEntry,
};
export type OrderResult = z.infer<typeof OrderResultSchema>;
export type TicketMessage = z.infer<typeof TicketMessageSchema>;
export type IntakeRefusal = z.infer<typeof IntakeRefusalSchema>;
export type TicketDetail = Ticket & {
  sla: SlaClockView[];
  links: { ticketId: string; kind: string; direction: 'outgoing' | 'incoming'; createdAt: string }[];
  maintenance: z.infer<typeof MaintenanceNoticeSchema> | null;
  budgets: Budget[];
};
export type TicketTime = {
  ticketId: string;
  contractId: string | null;
  entries: TimeEntry[];
  totalMinutes: number;
  estimate: Estimate | null;
  budgets: Budget[];
};

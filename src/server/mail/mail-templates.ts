import { addDays } from '../../core/contract/civil-date.ts';
import type { Plan } from '../../core/plan/plan.schema.ts';
import type { OpenedLicenseKey } from '../secrets/notice-secrets.ts';
import { formatInstant, formatMoney, type MailContent, type MailLocale } from './mail-render.ts';

/**
 * Everything a template may say, gathered by the dispatcher from the notice and the database. A
 * template is a pure function of these facts; both languages sit side by side (`t(en, de)`), so a
 * change to a notice is made once, in one place, for every language.
 */
export type NoticeFacts = {
  topic: string;
  payload: Record<string, unknown>;
  locale: MailLocale;
  recipientName: string | null;
  organisationName: string | null;
  /** The app's public address, no trailing slash. */
  baseUrl: string;
  /** The plan the notice is about (the ticket's or the contract's), when there is one. */
  plan: Plan | null;
  ticket: { id: string; number: string; subject: string; nextDueAt: Date | null } | null;
  productName: string | null;
  /** The full keys opened from the sealed payload (R0.3, R0.7); empty once erased. */
  licenseKeys: OpenedLicenseKey[];
  /** The plan lets customers answer by email (R2.1 `channels.email: tickets`): the mail says so. */
  replyByEmail: boolean;
  /** The one-click unsubscribe page for a product-update mail (R1.1). */
  unsubscribeUrl: string | null;
  /** The reader works the desk: links go to the console, not the portal. */
  forStaff: boolean;
};

type Template = (f: NoticeFacts, t: (en: string, de: string) => string) => MailContent;

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

const zoneOf = (f: NoticeFacts) => f.plan?.calendar?.timeZone ?? 'UTC';
const ticketUrl = (f: NoticeFacts) =>
  `${f.baseUrl}/${f.forStaff ? 'console' : 'portal'}/tickets/${f.ticket?.id ?? str(f.payload.ticketId)}`;
const contractUrl = (f: NoticeFacts) =>
  str(f.payload.contractId)
    ? `${f.baseUrl}/${f.forStaff ? 'console' : 'portal'}/contracts/${str(f.payload.contractId)}`
    : `${f.baseUrl}/portal/contracts`;
const ticketName = (f: NoticeFacts) =>
  f.ticket ? `${f.ticket.number} "${f.ticket.subject}"` : str(f.payload.ticketId);

function greeting(f: NoticeFacts, t: (en: string, de: string) => string): string {
  return f.recipientName
    ? t(`Hello ${f.recipientName},`, `Hallo ${f.recipientName},`)
    : t('Hello,', 'Hallo,');
}

/** How the customer answers a ticket under their plan (R2.1): by replying to the mail, or on the portal. */
function howToAnswer(f: NoticeFacts, t: (en: string, de: string) => string): string {
  return f.replyByEmail
    ? t(
        'Reply to this email to add to the ticket, or answer on the portal.',
        'Antworten Sie auf diese E-Mail, um das Ticket zu ergänzen, oder antworten Sie im Portal.',
      )
    : t(
        'Please answer on the support portal; replies to this email are not added to the ticket.',
        'Bitte antworten Sie im Support-Portal; Antworten auf diese E-Mail erreichen das Ticket nicht.',
      );
}

/** R0.4 in one sentence: what a renewal after this expiry would do, by the plan's rule. */
function renewalRule(plan: Plan | null, t: (en: string, de: string) => string): string | null {
  switch (plan?.renewal.timing) {
    case 'backdate':
      return t(
        'A renewal after the expiry date is backdated to it, so your coverage stays continuous; service resumes on the payment date.',
        'Eine Verlängerung nach dem Ablaufdatum wird auf dieses zurückdatiert, damit die Laufzeit lückenlos bleibt; der Service beginnt wieder am Zahlungstag.',
      );
    case 'extend':
      return t(
        'Renewing before the expiry date adds the new term after it; renewing later starts the term on the renewal date.',
        'Eine Verlängerung vor dem Ablaufdatum schließt die neue Laufzeit daran an; eine spätere beginnt am Tag der Verlängerung.',
      );
    case 'from-now':
      return t(
        'A renewal starts its term on the renewal date.',
        'Eine Verlängerung beginnt am Tag der Verlängerung.',
      );
    default:
      return null;
  }
}

const STOPS_EN: Record<string, string> = {
  support: 'support',
  updates: 'updates',
  downloads: 'downloads',
  'new-major-keys': 'keys for new major versions',
  features: 'subscription features',
  'backup-downloads': 'backup downloads',
};
const STOPS_DE: Record<string, string> = {
  support: 'Support',
  updates: 'Updates',
  downloads: 'Downloads',
  'new-major-keys': 'Schlüssel für neue Hauptversionen',
  features: 'Abonnement-Funktionen',
  'backup-downloads': 'Backup-Downloads',
};

function keyLines(
  f: NoticeFacts,
  t: (en: string, de: string) => string,
): Pick<MailContent, 'codes'> & {
  paragraph: string;
} {
  const entries = Array.isArray(f.payload.licenseKeys) ? f.payload.licenseKeys.map(obj) : [];
  if (f.licenseKeys.length > 0) {
    return {
      codes: f.licenseKeys.map((k) => `v${k.major}: ${k.key}`),
      paragraph: t(
        'Your license key (keep it safe; it is sent only in this email):',
        'Ihr Lizenzschlüssel (bitte sicher aufbewahren; er wird nur mit dieser E-Mail verschickt):',
      ),
    };
  }
  if (entries.length === 0) return { paragraph: '' };
  return {
    codes: entries.map((e) => `v${num(e.major) ?? '?'}: ${str(e.prefix)}…`),
    paragraph: t(
      'License keys (shown by their first characters; the full key was shown once when it was issued — an admin can rotate it for a new one):',
      'Lizenzschlüssel (nur die ersten Zeichen; der vollständige Schlüssel wurde einmal bei der Ausgabe angezeigt — ein Admin kann einen neuen erzeugen):',
    ),
  };
}

const orderTemplate =
  (kind: 'purchased' | 'renewed' | 'users-added'): Template =>
  (f, t) => {
    const p = f.payload;
    const product = str(obj(p.product).name, f.productName ?? '');
    const validity = obj(p.validity);
    const total = num(p.totalMinor);
    const money = total === null ? '' : formatMoney(total, str(p.currency, 'USD'), f.locale);
    const lastDay = str(validity.lastCoveredDay);
    const keys = keyLines(f, t);
    const subject = {
      purchased: t(`Your purchase of ${product}`, `Ihr Kauf von ${product}`),
      renewed: t(`${product}: maintenance renewed`, `${product}: Wartung verlängert`),
      'users-added': t(`${product}: users added`, `${product}: Benutzer hinzugefügt`),
    }[kind];
    const paragraphs = [
      kind === 'renewed'
        ? t(
            `Thank you: your ${product} maintenance is renewed.`,
            `Vielen Dank: Ihre Wartung für ${product} ist verlängert.`,
          )
        : t(`Thank you for your order of ${product}.`, `Vielen Dank für Ihre Bestellung von ${product}.`),
      lastDay
        ? t(
            `Your coverage now runs from ${str(validity.serviceFrom)} through ${lastDay}.`,
            `Ihre Laufzeit gilt jetzt vom ${str(validity.serviceFrom)} bis einschließlich ${lastDay}.`,
          )
        : t(
            `Service starts on ${str(validity.serviceFrom)}.`,
            `Der Service beginnt am ${str(validity.serviceFrom)}.`,
          ),
      ...(str(p.explanation) ? [str(p.explanation)] : []),
      t(`Invoice ${str(p.invoiceNumber)}: ${money}.`, `Rechnung ${str(p.invoiceNumber)}: ${money}.`),
      ...(keys.paragraph ? [keys.paragraph] : []),
    ];
    return {
      subject,
      greeting: greeting(f, t),
      paragraphs,
      codes: keys.codes,
      action: { label: t('View the contract', 'Vertrag ansehen'), url: contractUrl(f) },
    };
  };

const TEMPLATES: Record<string, Template> = {
  'auth.magic-link': (f, t) => ({
    subject: t('Your sign-in link', 'Ihr Anmeldelink'),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Use this link to sign in to the support portal. It works once and expires at ${formatInstant(str(f.payload.expiresAt), 'UTC')}.`,
        `Mit diesem Link melden Sie sich im Support-Portal an. Er gilt einmal und läuft am ${formatInstant(str(f.payload.expiresAt), 'UTC')} ab.`,
      ),
      t(
        'If you did not ask for it, ignore this email: nothing happens until the link is used.',
        'Falls Sie ihn nicht angefordert haben, ignorieren Sie diese E-Mail: ohne den Link geschieht nichts.',
      ),
    ],
    action: { label: t('Sign in', 'Anmelden'), url: str(f.payload.url) },
  }),

  'customer.invited': (f, t) => ({
    subject: t(
      `You are invited to the support portal of ${str(f.payload.organisationName, f.organisationName ?? '')}`,
      `Einladung zum Support-Portal für ${str(f.payload.organisationName, f.organisationName ?? '')}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        'An account was created for you on the support portal. Open the link to sign in and register on the desk; it works once.',
        'Für Sie wurde ein Konto im Support-Portal angelegt. Öffnen Sie den Link, um sich anzumelden und am Support-Desk zu registrieren; er gilt einmal.',
      ),
    ],
    action: { label: t('Accept the invitation', 'Einladung annehmen'), url: str(f.payload.url) },
  }),

  'customer.restriction-recorded': (f, t) => {
    const revokes = Array.isArray(f.payload.revokes) ? (f.payload.revokes as string[]).join(', ') : '';
    return {
      subject: t('Your support access is suspended', 'Ihr Supportzugang ist ausgesetzt'),
      greeting: greeting(f, t),
      paragraphs: [
        t(
          `A restriction was recorded against ${f.organisationName ?? 'your organisation'}: ${str(f.payload.reason)}.`,
          `Gegen ${f.organisationName ?? 'Ihre Organisation'} wurde eine Einschränkung erfasst: ${str(f.payload.reason)}.`,
        ),
        ...(revokes ? [t(`It suspends: ${revokes}.`, `Ausgesetzt ist: ${revokes}.`)] : []),
        ...(str(f.payload.note) ? [str(f.payload.note)] : []),
        t(
          'It stays in force until it is lifted; you can see it on the portal.',
          'Sie gilt, bis sie aufgehoben wird; Sie sehen sie im Portal.',
        ),
      ],
      action: { label: t('Open the portal', 'Portal öffnen'), url: f.baseUrl },
    };
  },

  'customer.restriction-lifted': (f, t) => ({
    subject: t('Your support access is restored', 'Ihr Supportzugang ist wiederhergestellt'),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The restriction (${str(f.payload.reason)}) against ${f.organisationName ?? 'your organisation'} was lifted.`,
        `Die Einschränkung (${str(f.payload.reason)}) gegen ${f.organisationName ?? 'Ihre Organisation'} wurde aufgehoben.`,
      ),
      ...(str(f.payload.liftNote) ? [str(f.payload.liftNote)] : []),
    ],
    action: { label: t('Open the portal', 'Portal öffnen'), url: f.baseUrl },
  }),

  'backup.deletion-warning': (f, t) => ({
    subject: t(
      `Your configuration backups will be deleted on ${str(f.payload.deletesOn)}`,
      `Ihre Konfigurations-Backups werden am ${str(f.payload.deletesOn)} gelöscht`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Your subscription has lapsed. Under your plan, configuration backups are kept ${num(f.payload.retentionDays) ?? '?'} days after the lapse; yours will be deleted on ${str(f.payload.deletesOn)}.`,
        `Ihr Abonnement ist abgelaufen. Laut Ihrem Plan werden Konfigurations-Backups ${num(f.payload.retentionDays) ?? '?'} Tage nach dem Ablauf aufbewahrt; Ihre werden am ${str(f.payload.deletesOn)} gelöscht.`,
      ),
      t('Renew before then to keep them.', 'Verlängern Sie vorher, um sie zu behalten.'),
    ],
    action: { label: t('Renew', 'Verlängern'), url: contractUrl(f) },
  }),

  'license.key-issued': (f, t) => {
    const keys = keyLines(f, t);
    // `expiresOn` is the first day not covered; people read the last covered day ("through …").
    const validity = obj(f.payload.validity);
    const until =
      str(validity.lastCoveredDay) || (str(validity.expiresOn) ? addDays(str(validity.expiresOn), -1) : '');
    return {
      subject: t(
        `A new license key for ${f.productName ?? 'your product'} version ${num(f.payload.major) ?? ''}`,
        `Ein neuer Lizenzschlüssel für ${f.productName ?? 'Ihr Produkt'} Version ${num(f.payload.major) ?? ''}`,
      ),
      greeting: greeting(f, t),
      paragraphs: [
        t(
          `Major version ${num(f.payload.major) ?? ''} of ${f.productName ?? 'your product'} is covered by your maintenance, so it gets its own license key. Keys for earlier versions stay valid.`,
          `Die Hauptversion ${num(f.payload.major) ?? ''} von ${f.productName ?? 'Ihrem Produkt'} ist durch Ihre Wartung abgedeckt und erhält einen eigenen Lizenzschlüssel. Schlüssel früherer Versionen bleiben gültig.`,
        ),
        ...(until ? [t(`Your coverage runs until ${until}.`, `Ihre Laufzeit gilt bis ${until}.`)] : []),
        ...(keys.paragraph ? [keys.paragraph] : []),
      ],
      codes: keys.codes,
      action: {
        label: t('Your contracts and keys', 'Ihre Verträge und Schlüssel'),
        url: `${f.baseUrl}/portal/contracts`,
      },
    };
  },

  'invoice.payment-received': (f, t) => ({
    subject: t(
      `Payment received for ${str(f.payload.invoiceNumber)}`,
      `Zahlung für ${str(f.payload.invoiceNumber)} erhalten`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `We received ${formatMoney(num(f.payload.amountMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)} for invoice ${str(f.payload.invoiceNumber)}.`,
        `Wir haben ${formatMoney(num(f.payload.amountMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)} für Rechnung ${str(f.payload.invoiceNumber)} erhalten.`,
      ),
      t(
        `Still due: ${formatMoney(num(f.payload.amountDueMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)}.`,
        `Noch offen: ${formatMoney(num(f.payload.amountDueMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)}.`,
      ),
    ],
    action: { label: t('Your contracts', 'Ihre Verträge'), url: `${f.baseUrl}/portal/contracts` },
  }),

  'invoice.credited': (f, t) => ({
    subject: t(
      `Credit note ${str(f.payload.creditNoteNumber)} for ${str(f.payload.invoiceNumber)}`,
      `Gutschrift ${str(f.payload.creditNoteNumber)} zu ${str(f.payload.invoiceNumber)}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Credit note ${str(f.payload.creditNoteNumber)} refunds ${formatMoney(num(f.payload.amountMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)} of invoice ${str(f.payload.invoiceNumber)}.`,
        `Die Gutschrift ${str(f.payload.creditNoteNumber)} erstattet ${formatMoney(num(f.payload.amountMinor) ?? 0, str(f.payload.currency, 'USD'), f.locale)} der Rechnung ${str(f.payload.invoiceNumber)}.`,
      ),
    ],
    action: { label: t('Your contracts', 'Ihre Verträge'), url: `${f.baseUrl}/portal/contracts` },
  }),

  'contract.purchased': orderTemplate('purchased'),
  'contract.renewed': orderTemplate('renewed'),
  'contract.users-added': orderTemplate('users-added'),

  'contract.expiry-reminder': (f, t) => ({
    subject: t(
      `${f.productName ?? 'Your'} maintenance ends on ${str(f.payload.expiresOn)}`,
      `${f.productName ?? 'Ihre'} Wartung endet am ${str(f.payload.expiresOn)}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Your ${f.productName ?? ''} maintenance ends on ${str(f.payload.expiresOn)} (in ${num(f.payload.daysLeft) ?? num(f.payload.daysBefore) ?? '?'} days). Renew to keep support, updates and new keys.`,
        `Ihre Wartung für ${f.productName ?? ''} endet am ${str(f.payload.expiresOn)} (in ${num(f.payload.daysLeft) ?? num(f.payload.daysBefore) ?? '?'} Tagen). Verlängern Sie, um Support, Updates und neue Schlüssel zu behalten.`,
      ),
      ...(renewalRule(f.plan, t) ? [renewalRule(f.plan, t) as string] : []),
    ],
    action: { label: t('Renew', 'Verlängern'), url: contractUrl(f) },
  }),

  'contract.lapsed': (f, t) => {
    const stops = (f.plan?.lapse.stops ?? ['support', 'updates'])
      .map((s) => (f.locale === 'de' ? STOPS_DE[s] : STOPS_EN[s]) ?? s)
      .join(', ');
    const retention = f.plan?.lapse.backupRetentionDays;
    return {
      subject: t(
        `${f.productName ?? 'Your'} maintenance has lapsed`,
        `${f.productName ?? 'Ihre'} Wartung ist abgelaufen`,
      ),
      greeting: greeting(f, t),
      paragraphs: [
        t(
          `Your ${f.productName ?? ''} maintenance ended on ${str(f.payload.lapsedOn)}. From then on these stop: ${stops}.`,
          `Ihre Wartung für ${f.productName ?? ''} endete am ${str(f.payload.lapsedOn)}. Seitdem enden: ${stops}.`,
        ),
        t(
          'Your licenses stay valid for every release published while you were covered.',
          'Ihre Lizenzen bleiben für alle Versionen gültig, die während der Laufzeit erschienen sind.',
        ),
        ...(retention
          ? [
              t(
                `Configuration backups are kept ${retention} days after the lapse, then may be deleted.`,
                `Konfigurations-Backups werden ${retention} Tage nach dem Ablauf aufbewahrt und können danach gelöscht werden.`,
              ),
            ]
          : []),
        ...(renewalRule(f.plan, t) ? [renewalRule(f.plan, t) as string] : []),
      ],
      action: { label: t('Renew', 'Verlängern'), url: contractUrl(f) },
    };
  },

  'contract.modification-stored': (f, t) => ({
    subject: t(
      `A modification was stored for your contract: ${str(f.payload.title)}`,
      `Eine Anpassung wurde zu Ihrem Vertrag gespeichert: ${str(f.payload.title)}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The fix "${str(f.payload.title)}" made for your ticket is stored with your contract and kept in future versions.`,
        `Die Korrektur "${str(f.payload.title)}" aus Ihrem Ticket ist bei Ihrem Vertrag gespeichert und bleibt in künftigen Versionen erhalten.`,
      ),
    ],
    action: { label: t('View the contract', 'Vertrag ansehen'), url: contractUrl(f) },
  }),

  'release.published': (f, t) => ({
    subject: t(
      `${f.productName ?? str(f.payload.productName)} ${str(f.payload.version)} is available`,
      `${f.productName ?? str(f.payload.productName)} ${str(f.payload.version)} ist verfügbar`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Version ${str(f.payload.version)} of ${f.productName ?? str(f.payload.productName)} was published on ${str(f.payload.publishedOn)}. Your maintenance covers it: download it from the portal.`,
        `Version ${str(f.payload.version)} von ${f.productName ?? str(f.payload.productName)} ist am ${str(f.payload.publishedOn)} erschienen. Ihre Wartung deckt sie ab: Sie finden sie im Portal.`,
      ),
    ],
    action: { label: t('Downloads', 'Downloads'), url: `${f.baseUrl}/portal/downloads` },
    footer: [
      t(
        'You receive this because you are on the product-update list.',
        'Sie erhalten diese E-Mail, weil Sie auf der Produkt-Update-Liste stehen.',
      ),
      ...(f.plan?.eligibility.productUpdateMailSubscription
        ? [
            t(
              'Under your plan, support requires this subscription: unsubscribing ends your right to support.',
              'Laut Ihrem Plan setzt Support dieses Abonnement voraus: wer sich abmeldet, verliert den Anspruch auf Support.',
            ),
          ]
        : []),
      ...(f.unsubscribeUrl ? [t(`Unsubscribe: ${f.unsubscribeUrl}`, `Abmelden: ${f.unsubscribeUrl}`)] : []),
    ],
  }),

  'ticket.created': (f, t) => ({
    subject: t(
      `[${f.ticket?.number ?? ''}] ${f.ticket?.subject ?? ''}`,
      `[${f.ticket?.number ?? ''}] ${f.ticket?.subject ?? ''}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(`We received your ticket ${ticketName(f)}.`, `Wir haben Ihr Ticket ${ticketName(f)} erhalten.`),
      ...(f.ticket?.nextDueAt
        ? [
            t(
              `Under your plan we answer by ${formatInstant(f.ticket.nextDueAt, zoneOf(f))} (business hours).`,
              `Laut Ihrem Plan antworten wir bis ${formatInstant(f.ticket.nextDueAt, zoneOf(f))} (Geschäftszeiten).`,
            ),
          ]
        : []),
      ...(f.payload.billable === true
        ? [
            t(
              'Without a support contract this ticket is billed by the hour at the current rate.',
              'Ohne Supportvertrag wird dieses Ticket nach Stunden zum aktuellen Satz abgerechnet.',
            ),
          ]
        : []),
      howToAnswer(f, t),
    ],
    action: { label: t('View the ticket', 'Ticket ansehen'), url: ticketUrl(f) },
  }),

  'ticket.replied': (f, t) =>
    f.payload.by === 'customer'
      ? {
          subject: `[${f.ticket?.number ?? ''}] ${t('Customer replied', 'Kunde hat geantwortet')}: ${f.ticket?.subject ?? ''}`,
          greeting: greeting(f, t),
          paragraphs: [
            t(
              `The customer answered on ${ticketName(f)}.`,
              `Der Kunde hat auf ${ticketName(f)} geantwortet.`,
            ),
          ],
          action: { label: t('Open in the console', 'In der Konsole öffnen'), url: ticketUrl(f) },
        }
      : {
          subject: `[${f.ticket?.number ?? ''}] ${f.ticket?.subject ?? ''}`,
          greeting: greeting(f, t),
          paragraphs: [
            t(
              `There is a new answer on your ticket ${ticketName(f)}.`,
              `Es gibt eine neue Antwort auf Ihr Ticket ${ticketName(f)}.`,
            ),
            howToAnswer(f, t),
          ],
          action: { label: t('Read the answer', 'Antwort lesen'), url: ticketUrl(f) },
        },

  'ticket.resolved': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('Resolved', 'Gelöst')}: ${f.ticket?.subject ?? ''}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(`Your ticket ${ticketName(f)} is resolved.`, `Ihr Ticket ${ticketName(f)} ist gelöst.`),
      f.plan?.automations.oneQuestionPerTicket
        ? t(
            'Under your plan a resolved ticket closes: for another question, please open a new ticket.',
            'Laut Ihrem Plan wird ein gelöstes Ticket geschlossen: Für eine weitere Frage eröffnen Sie bitte ein neues Ticket.',
          )
        : t(
            'If the problem is not solved, answer and the ticket reopens.',
            'Ist das Problem nicht gelöst, antworten Sie, und das Ticket wird wieder geöffnet.',
          ),
    ],
    action: { label: t('View the ticket', 'Ticket ansehen'), url: ticketUrl(f) },
  }),

  'ticket.closed': (f, t) => {
    const reason = str(f.payload.reason);
    const why: Record<string, [string, string]> = {
      inactivity: [
        `it had no activity for ${f.plan?.automations.inactivityClose?.afterDays ?? '?'} days`,
        `es ${f.plan?.automations.inactivityClose?.afterDays ?? '?'} Tage ohne Aktivität war`,
      ],
      resolved: ['it was resolved', 'es gelöst wurde'],
      duplicate: ['a newer ticket covers the same issue', 'ein neueres Ticket dasselbe Problem behandelt'],
      'out-of-scope': ['it is outside the scope of support', 'es außerhalb des Supportumfangs liegt'],
    };
    const [en, de] = why[reason] ?? [reason, reason];
    return {
      subject: `[${f.ticket?.number ?? ''}] ${t('Closed', 'Geschlossen')}: ${f.ticket?.subject ?? ''}`,
      greeting: greeting(f, t),
      paragraphs: [
        t(
          `Your ticket ${ticketName(f)} was closed because ${en}.`,
          `Ihr Ticket ${ticketName(f)} wurde geschlossen, weil ${de}.`,
        ),
        t(
          'For a new question, open a new ticket on the portal.',
          'Für eine neue Frage eröffnen Sie bitte ein neues Ticket im Portal.',
        ),
      ],
      action: { label: t('View the ticket', 'Ticket ansehen'), url: ticketUrl(f) },
    };
  },

  'ticket.auto-close-warning': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('Closes soon', 'Wird bald geschlossen')}: ${f.ticket?.subject ?? ''}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Your ticket ${ticketName(f)} has had no activity and closes automatically at ${formatInstant(str(f.payload.closesAt), zoneOf(f))}.`,
        `Ihr Ticket ${ticketName(f)} ist ohne Aktivität und wird am ${formatInstant(str(f.payload.closesAt), zoneOf(f))} automatisch geschlossen.`,
      ),
      t(
        'Answer before then to keep it open; otherwise nothing needs doing.',
        'Antworten Sie vorher, damit es offen bleibt; sonst ist nichts zu tun.',
      ),
      howToAnswer(f, t),
    ],
    action: { label: t('View the ticket', 'Ticket ansehen'), url: ticketUrl(f) },
  }),

  'ticket.refused': (f, t) => ({
    subject: t('Your ticket could not be opened', 'Ihr Ticket konnte nicht eröffnet werden'),
    greeting: greeting(f, t),
    paragraphs: [
      t('Your ticket was not opened:', 'Ihr Ticket wurde nicht eröffnet:'),
      str(f.payload.message, str(f.payload.reason)),
    ],
    action: { label: t('Open the portal', 'Portal öffnen'), url: f.baseUrl },
  }),

  'ticket.estimate-proposed': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('An estimate needs your agreement', 'Ein Aufwand braucht Ihre Zustimmung')}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `We estimate ${num(f.payload.minutes) ?? '?'} minutes of work on ${ticketName(f)}, more than your plan includes without agreement. Work continues once you agree.`,
        `Wir schätzen ${num(f.payload.minutes) ?? '?'} Minuten Arbeit für ${ticketName(f)}, mehr als Ihr Plan ohne Zustimmung vorsieht. Die Arbeit geht weiter, sobald Sie zustimmen.`,
      ),
      ...(str(f.payload.note) ? [str(f.payload.note)] : []),
    ],
    action: { label: t('Review the estimate', 'Schätzung prüfen'), url: ticketUrl(f) },
  }),

  'ticket.estimate-agreed': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('Estimate agreed', 'Schätzung angenommen')}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The customer agreed to the estimate of ${num(f.payload.minutes) ?? '?'} minutes on ${ticketName(f)}.`,
        `Der Kunde hat der Schätzung von ${num(f.payload.minutes) ?? '?'} Minuten für ${ticketName(f)} zugestimmt.`,
      ),
    ],
    action: { label: t('Open in the console', 'In der Konsole öffnen'), url: ticketUrl(f) },
  }),

  'known-issue.fixed': (f, t) => ({
    subject: t(
      `Fixed in ${str(f.payload.version)}: ${str(f.payload.title)}`,
      `Behoben in ${str(f.payload.version)}: ${str(f.payload.title)}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The known issue "${str(f.payload.title)}" you reported is fixed in version ${str(f.payload.version)}.`,
        `Das bekannte Problem "${str(f.payload.title)}", das Sie gemeldet haben, ist in Version ${str(f.payload.version)} behoben.`,
      ),
    ],
    action: { label: t('Downloads', 'Downloads'), url: `${f.baseUrl}/portal/downloads` },
  }),

  'sla.warning': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('SLA warning', 'SLA-Warnung')} (${str(f.payload.metric)}): ${f.ticket?.subject ?? str(f.payload.subject)}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The ${str(f.payload.metric)} target of ${ticketName(f)} is close: act before it breaches.`,
        `Das ${str(f.payload.metric)}-Ziel von ${ticketName(f)} ist bald erreicht: bitte handeln, bevor es verletzt wird.`,
      ),
    ],
    action: { label: t('Open in the console', 'In der Konsole öffnen'), url: ticketUrl(f) },
  }),

  'sla.breached': (f, t) => ({
    subject: `[${f.ticket?.number ?? ''}] ${t('SLA breached', 'SLA verletzt')} (${str(f.payload.metric)}): ${f.ticket?.subject ?? str(f.payload.subject)}`,
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `The ${str(f.payload.metric)} target of ${ticketName(f)} was breached at ${formatInstant(str(f.payload.at), zoneOf(f))}.`,
        `Das ${str(f.payload.metric)}-Ziel von ${ticketName(f)} wurde am ${formatInstant(str(f.payload.at), zoneOf(f))} verletzt.`,
      ),
    ],
    action: { label: t('Open in the console', 'In der Konsole öffnen'), url: ticketUrl(f) },
  }),

  'conduct.flagged': (f, t) => ({
    subject: t(
      `Conduct flag (${str(f.payload.kind)}) to confirm`,
      `Verhaltensmeldung (${str(f.payload.kind)}) zu bestätigen`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `A ${str(f.payload.kind)} flag was raised${f.ticket ? ` on ${ticketName(f)}` : ''} for ${f.organisationName ?? 'a customer'}. Nothing is revoked until an agent confirms it (R1.3).`,
        `Eine ${str(f.payload.kind)}-Meldung wurde${f.ticket ? ` zu ${ticketName(f)}` : ''} für ${f.organisationName ?? 'einen Kunden'} erfasst. Nichts wird entzogen, bevor ein Agent sie bestätigt (R1.3).`,
      ),
    ],
    action: {
      label: t('Review the flag', 'Meldung prüfen'),
      url: f.ticket ? ticketUrl(f) : `${f.baseUrl}/console/queue`,
    },
  }),

  'system.event': (f, t) => ({
    subject: t(
      `[${str(f.payload.severity)}] ${str(f.payload.systemName)}: ${str(f.payload.kind)}`,
      `[${str(f.payload.severity)}] ${str(f.payload.systemName)}: ${str(f.payload.kind)}`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        `Your system ${str(f.payload.systemName)} reported at ${formatInstant(str(f.payload.occurredAt), zoneOf(f))}:`,
        `Ihr System ${str(f.payload.systemName)} meldete am ${formatInstant(str(f.payload.occurredAt), zoneOf(f))}:`,
      ),
      str(f.payload.message),
      t(
        'We tell you before your users notice; open a ticket if you want help.',
        'Wir informieren Sie, bevor Ihre Benutzer es bemerken; eröffnen Sie ein Ticket, wenn Sie Hilfe möchten.',
      ),
    ],
    action: { label: t('Open the portal', 'Portal öffnen'), url: f.baseUrl },
  }),

  'mail.portal-pointer': (f, t) => ({
    subject: t(
      `Re: ${str(f.payload.subject, 'your email')} — please use the support portal`,
      `Re: ${str(f.payload.subject, 'Ihre E-Mail')} — bitte nutzen Sie das Support-Portal`,
    ),
    greeting: greeting(f, t),
    paragraphs: [
      t(
        'Thank you for your email. Support requests are handled on the support portal only: email does not open a ticket under your plan.',
        'Vielen Dank für Ihre E-Mail. Supportanfragen bearbeiten wir nur im Support-Portal: Eine E-Mail eröffnet laut Ihrem Plan kein Ticket.',
      ),
      t(
        'Please open a ticket there; this is an automatic answer, sent once a day at most.',
        'Bitte eröffnen Sie dort ein Ticket; dies ist eine automatische Antwort, höchstens einmal am Tag.',
      ),
    ],
    action: {
      label: t('Open a ticket', 'Ticket eröffnen'),
      url: str(f.payload.portalUrl, `${f.baseUrl}/portal/tickets/new`),
    },
  }),
};

/** Notice topics with a template; any other topic is sent with the generic one. */
export const TEMPLATE_TOPICS: readonly string[] = Object.keys(TEMPLATES);

const generic: Template = (f, t) => ({
  subject: t(`Notice: ${f.topic}`, `Mitteilung: ${f.topic}`),
  greeting: greeting(f, t),
  paragraphs: [
    t(`Something happened that concerns you: ${f.topic}.`, `Es gibt eine Neuigkeit für Sie: ${f.topic}.`),
  ],
  action: { label: t('Open the portal', 'Portal öffnen'), url: f.baseUrl },
});

export function writeNotice(facts: NoticeFacts): MailContent {
  const template = TEMPLATES[facts.topic] ?? generic;
  return template(facts, (en, de) => (facts.locale === 'de' ? de : en));
}

export function signatureOf(locale: MailLocale): string {
  return locale === 'de' ? 'Ihr Support-Team' : 'Your support team';
}

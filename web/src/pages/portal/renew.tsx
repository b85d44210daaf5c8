import { type FormEvent, useState } from 'react';
import { RenewalRequestSchema } from '../../../../src/schema/contracts.schema.ts';
import { post } from '../../api.ts';
import { CopyButton, ErrorNotice, Field } from '../../components/ui.tsx';
import { civil, money } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import type { ContractDetail, OrderResult, Quote } from '../../types.ts';

const KIND_WORDS = {
  initial: 'First term',
  renewal: 'Renewal',
  'backdated-gap': 'Backdated gap: paid and licensed, no service',
  reinstatement: 'Reinstatement',
} as const;

/**
 * Renew in two steps: a quote (the price and the dates, in the API's plain words: backdating,
 * stacking, reinstatement), then the order of exactly that quote, with an Idempotency-Key so a
 * second click cannot order twice.
 */
export function RenewPanel({
  contract,
  staff,
  onOrdered,
}: {
  contract: ContractDetail;
  staff: boolean;
  onOrdered: () => void;
}) {
  const [terms, setTerms] = useState('1');
  const [quote, setQuote] = useState<{ quote: Quote; body: object; key: string } | null>(null);
  const [order, setOrder] = useState<OrderResult | null>(null);
  const form = useSubmit();
  const base = `/v1/contracts/${encodeURIComponent(contract.id)}/renewals`;

  const ask = (event: FormEvent) => {
    event.preventDefault();
    setOrder(null);
    const checked = validate(RenewalRequestSchema, { terms: terms === '' ? undefined : Number(terms) });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const q = await post<Quote>(`${base}/quote`, checked.value);
      setQuote({ quote: q, body: checked.value, key: crypto.randomUUID() });
    });
  };

  const buy = () => {
    if (!quote) return;
    void form.run(async () => {
      const result = await post<OrderResult>(base, quote.body, { 'idempotency-key': quote.key });
      setOrder(result);
      setQuote(null);
      onOrdered();
    });
  };

  return (
    <section aria-labelledby="renew-title" className="card">
      <h2 id="renew-title">Renew</h2>
      <form onSubmit={ask} noValidate className="row">
        <Field
          label="Terms to buy"
          name="terms"
          error={form.errors.terms}
          hint="How many renewal terms at once; the plan sets the maximum."
        >
          {(p) => (
            <input
              {...p}
              type="number"
              inputMode="numeric"
              min={1}
              value={terms}
              onChange={(e) => setTerms(e.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={form.busy}>
          Get a quote
        </button>
      </form>
      <ErrorNotice error={form.failure} title="Not possible:" />
      {quote && <QuoteView quote={quote.quote} />}
      {quote && (
        <button type="button" className="primary" onClick={buy} disabled={form.busy}>
          Order this renewal for {money(quote.quote.totals.totalMinor, quote.quote.currency)}
        </button>
      )}
      {order && <OrderView order={order} staff={staff} />}
    </section>
  );
}

export function QuoteView({ quote }: { quote: Quote }) {
  return (
    <div aria-live="polite">
      <h3>Quote</h3>
      <p className="notice info explain" data-testid="quote-explanation">
        {quote.explanation}
      </p>
      <table>
        <thead>
          <tr>
            <th>Line</th>
            <th>Amount</th>
            <th>Tax</th>
            <th>Total</th>
          </tr>
        </thead>
        <tbody>
          {quote.lines.map((l) => (
            <tr key={`${l.description}-${l.periodStart}`}>
              <td data-label="Line">{l.description}</td>
              <td data-label="Amount">{money(l.amountMinor, quote.currency)}</td>
              <td data-label="Tax">
                {money(l.taxMinor, quote.currency)} <small className="muted">({l.taxRatePercent} %)</small>
              </td>
              <td data-label="Total">{money(l.totalMinor, quote.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <strong>Total {money(quote.totals.totalMinor, quote.currency)}</strong>{' '}
        <small className="muted">(tax {quote.taxMode})</small>
      </p>
      {quote.newTerms.length > 0 && (
        <ul className="plain">
          {quote.newTerms.map((t) => (
            <li key={`${t.kind}-${t.startsOn}`}>
              {KIND_WORDS[t.kind]}: {civil(t.startsOn)} to {civil(t.endsOn)} (expiry)
            </li>
          ))}
        </ul>
      )}
      {quote.serviceFrom && <p>Service from {civil(quote.serviceFrom)}.</p>}
    </div>
  );
}

function OrderView({ order, staff }: { order: OrderResult; staff: boolean }) {
  return (
    <div className="notice ok" role="status">
      <p>
        <strong>Ordered.</strong> Invoice {order.invoice.number} for{' '}
        {money(order.invoice.totalMinor, order.quote.currency)}.
        {order.pendingPayment && ' The new terms and keys follow once the invoice is paid.'}
      </p>
      {order.licenseKeys.length > 0 && (
        <>
          <p>Your new license keys — copy them now, they are shown only this once:</p>
          <ul className="plain">
            {order.licenseKeys.map((k) => (
              <li key={k.id}>
                Version {k.major}.x:{' '}
                {k.key ? <code data-testid="license-key">{k.key}</code> : <em>already shown</em>}{' '}
                {k.key && <CopyButton text={k.key} label="Copy key" />}
              </li>
            ))}
          </ul>
        </>
      )}
      {staff && <p className="muted">Ordered on the customer's behalf.</p>}
    </div>
  );
}

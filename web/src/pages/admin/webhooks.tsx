import { type FormEvent, useState } from 'react';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  type Webhook,
  WebhookCreateRequestSchema,
  type WebhookDelivery,
  WebhookUpdateRequestSchema,
} from '../../../../src/schema/webhooks.schema.ts';
import { ApiError, api, get, post } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, CopyButton, ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { type FieldErrors, useSubmit, validate } from '../../forms.ts';
import { Link } from '../../router.tsx';

type WithSecret = Webhook & { secret: string };
const DELIVERY_TONE = { pending: 'info', delivered: 'ok', failed: 'bad' } as const;

/** A refused target (WEBHOOK_TARGET_REFUSED) belongs beside the URL field, in the API's words. */
function urlErrorOf(failure: Error | null, errors: FieldErrors): string | undefined {
  if (failure instanceof ApiError && failure.code === 'WEBHOOK_TARGET_REFUSED') return failure.message;
  return errors.url;
}
const formFailure = (failure: Error | null) =>
  failure instanceof ApiError && failure.code === 'WEBHOOK_TARGET_REFUSED' ? null : failure;

function SecretNotice({ secret, what }: { secret: string; what: string }) {
  return (
    <div className="notice ok" role="status">
      <p>{what} Copy the signing secret now: it is shown only once and cannot be read back.</p>
      <code data-testid="webhook-secret">{secret}</code> <CopyButton text={secret} label="Copy secret" />
    </div>
  );
}

/** Webhook subscriptions: list, subscribe an endpoint (the signing secret shown once). */
export function WebhooksPage() {
  const hooks = usePaged<Webhook>('/v1/webhooks', {}, 25);
  const [created, setCreated] = useState<WithSecret | null>(null);
  return (
    <section>
      <PageTitle>Webhooks</PageTitle>
      <p className="muted">
        Signed POSTs of events to your endpoints (docs/webhooks.md). Open one for its delivery log, a
        test-send and its secret.
      </p>
      <ErrorNotice error={hooks.error} />
      {!hooks.items && !hooks.error && <Loading />}
      {hooks.items?.length === 0 && <p className="muted">No webhooks yet.</p>}
      {hooks.items && hooks.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Endpoint</th>
              <th>Events</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {hooks.items.map((w) => (
              <tr key={w.id}>
                <td data-label="Endpoint">
                  <Link to={`/admin/webhooks/${encodeURIComponent(w.id)}`}>{w.url}</Link>
                  {w.description && <small className="muted"> {w.description}</small>}
                </td>
                <td data-label="Events">{w.eventTypes.join(', ')}</td>
                <td data-label="State">
                  {w.disabledAt ? (
                    <Badge tone="muted">disabled {instant(w.disabledAt)}</Badge>
                  ) : (
                    <Badge tone="ok">active</Badge>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={hooks} />
      {created && <SecretNotice secret={created.secret} what={`Webhook for ${created.url} created.`} />}
      <WebhookForm
        title="New webhook"
        submitLabel="Create the webhook"
        schema={WebhookCreateRequestSchema}
        send={async (body) => {
          setCreated(await post<WithSecret>('/v1/webhooks', body));
          hooks.reload();
        }}
      />
    </section>
  );
}

type FormValue = { url: string; description: string; eventTypes: string[] };

/** URL, description and the events (a multi-select of the API's list, or every event). */
function WebhookForm({
  title,
  submitLabel,
  initial = { url: '', description: '', eventTypes: [] },
  schema,
  send,
}: {
  title: string;
  submitLabel: string;
  initial?: FormValue;
  /** The API's request schema: the browser refuses what the server would, by field. */
  schema: typeof WebhookCreateRequestSchema | typeof WebhookUpdateRequestSchema;
  send: (body: unknown) => Promise<void>;
}) {
  const [value, setValue] = useState<FormValue>(initial);
  const form = useSubmit();
  const all = value.eventTypes.includes('*');
  const toggle = (type: string, on: boolean) =>
    setValue((v) => ({
      ...v,
      eventTypes: on
        ? [...v.eventTypes.filter((t) => t !== type), type]
        : v.eventTypes.filter((t) => t !== type),
    }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(schema, value);
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      await send(checked.value);
      if (submitLabel.startsWith('Create')) setValue({ url: '', description: '', eventTypes: [] });
    });
  };
  const headingId = `${title.replace(/\W+/g, '-').toLowerCase()}-title`;
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      <Field
        label="Endpoint URL"
        name="url"
        error={urlErrorOf(form.failure, form.errors)}
        hint="A public http(s) address; private and loopback addresses are refused."
      >
        {(p) => (
          <input {...p} value={value.url} onChange={(e) => setValue({ ...value, url: e.target.value })} />
        )}
      </Field>
      <Field label="Description" name="description" error={form.errors.description}>
        {(p) => (
          <input
            {...p}
            value={value.description}
            onChange={(e) => setValue({ ...value, description: e.target.value })}
          />
        )}
      </Field>
      <fieldset>
        <legend>Events</legend>
        <label>
          <input type="checkbox" checked={all} onChange={(e) => toggle('*', e.target.checked)} /> Every event
          (*)
        </label>
        <div className="grid scopes">
          {WEBHOOK_EVENT_TYPES.map((t) => (
            <label key={t}>
              <input
                type="checkbox"
                disabled={all}
                checked={all || value.eventTypes.includes(t)}
                onChange={(e) => toggle(t, e.target.checked)}
              />{' '}
              {t}
            </label>
          ))}
        </div>
        {form.errors.eventTypes && (
          <p className="error" role="alert">
            {form.errors.eventTypes}
          </p>
        )}
      </fieldset>
      <ErrorNotice error={formFailure(form.failure)} />
      <button type="submit" className="primary" disabled={form.busy}>
        {submitLabel}
      </button>
    </form>
  );
}

/** One webhook: edit, disable or enable, rotate the secret, test-send, the delivery log with retries. */
export function WebhookPage({ id }: { id: string }) {
  const path = `/v1/webhooks/${encodeURIComponent(id)}`;
  const hook = useLoad(() => get<Webhook>(path), path);
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<WebhookDelivery | null>(null);
  const [status, setStatus] = useState('');
  const deliveries = usePaged<WebhookDelivery>(`${path}/deliveries`, { status }, 20);
  const action = useSubmit();
  if (hook.error) return <ErrorNotice error={hook.error} />;
  const w = hook.data;
  if (!w) return <Loading />;
  const setDisabled = (disabled: boolean) =>
    void action.run(async () => {
      hook.setData(await api<Webhook>('PATCH', path, { body: { disabled } }));
    });
  const rotate = () =>
    void action.run(async () => {
      setSecret((await post<WithSecret>(`${path}/secret`)).secret);
    });
  const test = () =>
    void action.run(async () => {
      setTested(null);
      setTested(await post<WebhookDelivery>(`${path}/test`));
      deliveries.reload();
    });
  const retry = (d: WebhookDelivery) =>
    void action.run(async () => {
      await post(`/v1/webhooks/deliveries/${encodeURIComponent(d.id)}/retry`);
      deliveries.reload();
    });
  return (
    <section>
      <PageTitle>Webhook</PageTitle>
      <p>
        <Link to="/admin/webhooks">← All webhooks</Link>
      </p>
      <dl className="facts card">
        <dt>Endpoint</dt>
        <dd>
          <code>{w.url}</code>
        </dd>
        <dt>Description</dt>
        <dd data-testid="webhook-description">{w.description || '—'}</dd>
        <dt>Events</dt>
        <dd>{w.eventTypes.join(', ')}</dd>
        <dt>State</dt>
        <dd>
          {w.disabledAt ? (
            <Badge tone="muted">disabled {instant(w.disabledAt)}</Badge>
          ) : (
            <Badge tone="ok">active</Badge>
          )}
        </dd>
        <dt>Created</dt>
        <dd>{instant(w.createdAt)}</dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={test} disabled={action.busy || Boolean(w.disabledAt)}>
          Send a test event
        </button>{' '}
        <button type="button" onClick={rotate} disabled={action.busy}>
          Rotate the secret
        </button>{' '}
        <button type="button" onClick={() => setDisabled(!w.disabledAt)} disabled={action.busy}>
          {w.disabledAt ? 'Enable deliveries' : 'Disable deliveries'}
        </button>
      </div>
      <ErrorNotice error={action.failure} title="Not done:" />
      {tested && <TestOutcome delivery={tested} />}
      {secret && (
        <SecretNotice secret={secret} what="The secret was rotated: it signs every delivery from now on." />
      )}

      <h2>Delivery log</h2>
      <div className="row">
        <Field label="Delivery status" name="status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">Any</option>
              {WEBHOOK_DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorNotice error={deliveries.error} />
      {deliveries.items?.length === 0 && <p className="muted">No deliveries.</p>}
      {deliveries.items && deliveries.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Answer</th>
              <th>Written</th>
              <th>
                <span className="muted">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.items.map((d) => (
              <tr key={d.id} data-testid="delivery-row">
                <td data-label="Event">
                  {d.eventType} <small className="muted">{d.id}</small>
                </td>
                <td data-label="Status">
                  <Badge tone={DELIVERY_TONE[d.status]}>{d.status}</Badge>
                  {d.nextAttemptAt && <small className="muted"> next {instant(d.nextAttemptAt)}</small>}
                </td>
                <td data-label="Attempts">{d.attempts}</td>
                <td data-label="Answer">
                  {d.responseStatus !== null && <code>HTTP {d.responseStatus}</code>}{' '}
                  {d.lastError && <small className="muted">{d.lastError}</small>}
                </td>
                <td data-label="Written">{instant(d.createdAt)}</td>
                <td data-label="Action">
                  {d.status === 'failed' && (
                    <button
                      type="button"
                      className="small"
                      disabled={action.busy}
                      onClick={() => retry(d)}
                      aria-label={`Retry delivery ${d.id}`}
                    >
                      Retry
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={deliveries} />

      <WebhookForm
        key={`${w.url}|${w.description}|${w.eventTypes.join(',')}`}
        title="Change the webhook"
        submitLabel="Save the changes"
        initial={{ url: w.url, description: w.description, eventTypes: w.eventTypes }}
        schema={WebhookUpdateRequestSchema}
        send={async (body) => {
          hook.setData(await api<Webhook>('PATCH', path, { body }));
        }}
      />
    </section>
  );
}

function TestOutcome({ delivery }: { delivery: WebhookDelivery }) {
  const ok = delivery.status === 'delivered';
  return (
    <div className={`notice ${ok ? 'ok' : 'error'}`} role="status" data-testid="test-outcome">
      {ok ? (
        <p>Test event delivered: the endpoint answered HTTP {delivery.responseStatus}.</p>
      ) : (
        <p>
          Test event not delivered
          {delivery.responseStatus !== null ? ` (HTTP ${delivery.responseStatus})` : ''}: {delivery.lastError}
        </p>
      )}
    </div>
  );
}

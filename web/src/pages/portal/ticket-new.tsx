import { type FormEvent, useEffect, useState } from 'react';
import {
  ImpactSchema,
  PRIORITIES,
  TicketCreateRequestSchema,
} from '../../../../src/schema/tickets.schema.ts';
import { ApiError, api, get, type Page, post } from '../../api.ts';
import { useProducts } from '../../catalog-names.ts';
import { uploadAttachments } from '../../components/thread.tsx';
import { ErrorNotice, Field, PageTitle } from '../../components/ui.tsx';
import { useSubmit, validate } from '../../forms.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import type { ContractDetail, ContractSummary, TicketDetail } from '../../types.ts';

type EnvRow = { name: string; value: string };
type CategoryChoice = ContractDetail['categories'][number];

/**
 * The ticket categories of the plan of the organisation's contract for `productId` (the active one
 * first, else the newest): the contract read names them (GET /v1/contracts/:id). Null while unknown
 * or when there is no contract; the field is then free text and the API lists the plan's categories.
 */
function usePlanCategories(productId: string): CategoryChoice[] | null {
  const [categories, setCategories] = useState<CategoryChoice[] | null>(null);
  useEffect(() => {
    setCategories(null);
    if (!productId) return;
    let live = true;
    (async () => {
      const page = await get<Page<ContractSummary>>('/v1/contracts', { productId, limit: 100 });
      const chosen = page.items.find((c) => c.state === 'active') ?? page.items.at(-1);
      if (!chosen) return;
      const detail = await get<ContractDetail>(`/v1/contracts/${encodeURIComponent(chosen.id)}`);
      if (live) setCategories(detail.categories);
    })().catch(() => live && setCategories(null));
    return () => {
      live = false;
    };
  }, [productId]);
  return categories;
}

/** "2.1 Analysis …", children indented under their parent (the select shows plain text only). */
function categoryLabel(c: CategoryChoice, all: CategoryChoice[]): string {
  let depth = 0;
  for (let parent = c.parentId; parent !== null; depth++)
    parent = all.find((x) => x.id === parent)?.parentId ?? null;
  const name = c.name === c.id ? c.name : `${c.id} — ${c.name}`;
  return `${'\u00a0\u00a0'.repeat(depth)}${name}`;
}

/** What to do about each refusal of the intake gate (R1.x), beside the API's own explanation. */
const REFUSAL_HELP: Record<string, string> = {
  CONTRACT_LAPSED: 'Renew the contract to open tickets again.',
  CONTRACT_NOT_STARTED: 'Your coverage has not started yet.',
  IN_BACKDATED_GAP:
    'Today lies in a backdated part of your coverage, which gives no service. Renew to resume service.',
  NO_CONTRACT: 'Your organisation has no contract for this product.',
  PLATFORM_VERSION_REQUIRED: 'Fill in the platform and its version below, then send again.',
  PLATFORM_NOT_COMPATIBLE: 'This platform version is outside what your contract declares compatible.',
  UNSUBSCRIBED_FROM_PRODUCT_UPDATES: 'Your plan needs you on the product-update list to get support.',
  NOT_REGISTERED_ON_DESK: 'Sign in with the invitation link you were sent to register on the help desk.',
  PHONE_INCIDENTS_EXHAUSTED: 'This contract year has used all its phone incidents.',
};

/** Opens a ticket behind the intake gate; a refusal is explained in plain words, with what to do. */
export function NewTicketPage() {
  const products = useProducts();
  const { search } = useLocation();
  const [productId, setProductId] = useState(search.get('product') ?? '');
  const [categoryId, setCategoryId] = useState('');
  const [categories, setCategories] = useState<string[]>([]);
  const planCategories = usePlanCategories(productId);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState('');
  const [impact, setImpact] = useState('');
  const [platform, setPlatform] = useState('');
  const [version, setVersion] = useState('');
  const [env, setEnv] = useState<EnvRow[]>([{ name: '', value: '' }]);
  const [files, setFiles] = useState<File[]>([]);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const form = useSubmit();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setRefusal(null);
    const environment = Object.fromEntries(
      env.filter((r) => r.name.trim()).map((r) => [r.name.trim(), r.value]),
    );
    const body = {
      productId,
      categoryId,
      subject,
      description,
      ...(priority && { priority }),
      ...(impact && { impact }),
      ...(Object.keys(environment).length > 0 && { environment }),
      ...((platform || version) && { platform: { platform, version } }),
    };
    const checked = validate(TicketCreateRequestSchema, body);
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      try {
        const ticket = await post<TicketDetail>('/v1/tickets', checked.value);
        await uploadAttachments(ticket.id, files);
        navigate(`/portal/tickets/${encodeURIComponent(ticket.id)}`);
      } catch (error) {
        if (error instanceof ApiError && error.code === 'TICKET_REFUSED') setRefusal(error);
        const allowed = error instanceof ApiError ? allowedCategories(error) : null;
        if (allowed) setCategories(allowed);
        throw error;
      }
    });
  };

  const reason = (refusal?.details as { reason?: string } | undefined)?.reason;
  return (
    <section>
      <PageTitle>Open a ticket</PageTitle>
      <form onSubmit={submit} noValidate className="card">
        <div className="row">
          <Field label="Product" name="productId" error={form.errors.productId}>
            {(p) => (
              <select {...p} value={productId} onChange={(e) => setProductId(e.target.value)}>
                <option value="">Choose a product…</option>
                {products.map((pr) => (
                  <option key={pr.id} value={pr.id}>
                    {pr.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label="Category"
            name="categoryId"
            error={form.errors.categoryId}
            hint={
              planCategories?.length
                ? "The categories of your contract's plan."
                : categories.length
                  ? undefined
                  : "Your plan's category, e.g. support or 3.1. Unsure? Send: we list your plan's categories."
            }
          >
            {(p) =>
              planCategories?.length ? (
                <select {...p} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                  <option value="">Choose a category…</option>
                  {planCategories.map((c) => (
                    <option key={c.id} value={c.id}>
                      {categoryLabel(c, planCategories)}
                    </option>
                  ))}
                </select>
              ) : categories.length ? (
                <select {...p} value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                  <option value="">Choose a category…</option>
                  {categories.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              ) : (
                <input {...p} value={categoryId} onChange={(e) => setCategoryId(e.target.value)} />
              )
            }
          </Field>
        </div>
        <Field label="Subject" name="subject" error={form.errors.subject}>
          {(p) => (
            <input {...p} value={subject} maxLength={200} onChange={(e) => setSubject(e.target.value)} />
          )}
        </Field>
        <Field
          label="What happens?"
          name="description"
          error={form.errors.description}
          hint="What you did, what you expected, what happened instead."
        >
          {(p) => <textarea {...p} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="row">
          <Field label="Priority" name="priority" error={form.errors.priority}>
            {(p) => (
              <select {...p} value={priority} onChange={(e) => setPriority(e.target.value)}>
                <option value="">Normal (default)</option>
                {PRIORITIES.map((x) => (
                  <option key={x} value={x}>
                    {x}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Impact" name="impact" error={form.errors.impact}>
            {(p) => (
              <select {...p} value={impact} onChange={(e) => setImpact(e.target.value)}>
                <option value="">Not stated</option>
                {ImpactSchema.options.map((x) => (
                  <option key={x} value={x}>
                    {x.replace(/-/g, ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="row">
          <Field
            label="Platform"
            name="platform.platform"
            error={form.errors['platform.platform']}
            hint="What the product runs on, e.g. Asterisk."
          >
            {(p) => <input {...p} value={platform} onChange={(e) => setPlatform(e.target.value)} />}
          </Field>
          <Field label="Platform version" name="platform.version" error={form.errors['platform.version']}>
            {(p) => <input {...p} value={version} onChange={(e) => setVersion(e.target.value)} />}
          </Field>
        </div>
        <fieldset>
          <legend>Environment</legend>
          {env.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place.
            <div className="env-row" key={i}>
              <Field
                label={`Setting name ${i + 1}`}
                name={`env-name-${i}`}
                hint={i === 0 ? 'e.g. OS, database' : undefined}
              >
                {(p) => (
                  <input
                    {...p}
                    value={row.name}
                    onChange={(e) =>
                      setEnv(env.map((r, j) => (j === i ? { ...r, name: e.target.value } : r)))
                    }
                  />
                )}
              </Field>
              <Field
                label={`Setting value ${i + 1}`}
                name={`env-value-${i}`}
                hint={i === 0 ? 'e.g. Debian 12' : undefined}
              >
                {(p) => (
                  <input
                    {...p}
                    value={row.value}
                    onChange={(e) =>
                      setEnv(env.map((r, j) => (j === i ? { ...r, value: e.target.value } : r)))
                    }
                  />
                )}
              </Field>
              <button
                type="button"
                className="small"
                onClick={() => setEnv(env.filter((_, j) => j !== i))}
                aria-label={`Remove setting ${i + 1}`}
              >
                Remove
              </button>
            </div>
          ))}
          {form.errors.environment && <p className="error">{form.errors.environment}</p>}
          <button type="button" className="small" onClick={() => setEnv([...env, { name: '', value: '' }])}>
            Add a setting
          </button>
        </fieldset>
        <Field label="Attachments" name="files" hint="Screenshots or log files, up to 10 MB each.">
          {(p) => (
            <input {...p} type="file" multiple onChange={(e) => setFiles([...(e.target.files ?? [])])} />
          )}
        </Field>
        {refusal ? (
          <div className="notice error" role="alert" data-testid="refusal">
            <strong>We could not open this ticket.</strong> {refusal.message}
            {reason && REFUSAL_HELP[reason] && <p>{REFUSAL_HELP[reason]}</p>}
            {reason === 'CONTRACT_LAPSED' || reason === 'IN_BACKDATED_GAP' ? (
              <p>
                <Link to="/portal/contracts">See your contracts and renew</Link>
              </p>
            ) : null}
            {reason === 'UNSUBSCRIBED_FROM_PRODUCT_UPDATES' && <Resubscribe />}
            <small className="code">Reason {reason}; your request was recorded.</small>
          </div>
        ) : (
          <ErrorNotice error={form.failure} />
        )}
        <button type="submit" className="primary" disabled={form.busy}>
          Open the ticket
        </button>
      </form>
    </section>
  );
}

/** The categories the API lists when a category is not one of the plan's (rule plan_category). */
function allowedCategories(error: ApiError): string[] | null {
  if (!Array.isArray(error.details)) return null;
  const issue = (error.details as { path?: string; rule?: string; message?: string }[]).find(
    (d) => d.rule === 'plan_category',
  );
  const list = issue?.message?.split('one of: ')[1];
  return list
    ? list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
}

function Resubscribe() {
  const [done, setDone] = useState(false);
  const go = async () => {
    await api('PUT', '/v1/me/subscriptions', { body: { productUpdates: true } });
    setDone(true);
  };
  return done ? (
    <p role="status">You are on the product-update list again: send the ticket once more.</p>
  ) : (
    <button type="button" onClick={go}>
      Join the product-update list
    </button>
  );
}

import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, get } from '../../api.ts';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { Link } from '../../router.tsx';

type PlanSummary = { key: string; name: string; version: number; contentHash: string; createdAt: string };
type PlanDetail = PlanSummary & { document: Record<string, unknown>; explain: string };
type PlanError = { path: string; message: string; line?: number; column?: number };
type PlanStored = PlanDetail & { created: boolean };

export function PlansPage() {
  const plans = useLoad(() => get<{ items: PlanSummary[] }>('/v1/plans'), 'plans');
  return (
    <section>
      <PageTitle>Plans</PageTitle>
      <p className="muted">
        The support terms products are sold under. Open one for its terms in plain words.
      </p>
      <ErrorNotice error={plans.error} />
      {!plans.data && !plans.error && <Loading />}
      <ul className="plain">
        {plans.data?.items.map((p) => (
          <li key={p.key}>
            <Link to={`/admin/plans/${encodeURIComponent(p.key)}`}>{p.name}</Link>{' '}
            <small className="muted">
              {p.key} v{p.version}, stored {instant(p.createdAt)}
            </small>{' '}
            <Link
              to={`/admin/plans/${encodeURIComponent(p.key)}/calendar`}
              aria-label={`Calendar of ${p.name}`}
            >
              calendar
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A plan in plain words beside its document; edit the document and the API validates it in place. */
export function PlanPage({ planKey }: { planKey: string }) {
  const path = `/v1/plans/${encodeURIComponent(planKey)}`;
  const plan = useLoad(() => get<PlanDetail>(path), path);
  if (plan.error) return <ErrorNotice error={plan.error} />;
  if (!plan.data) return <Loading />;
  return (
    <section>
      <PageTitle>{plan.data.name}</PageTitle>
      <p className="muted">
        {plan.data.key} version {plan.data.version} · <code>{plan.data.contentHash.slice(0, 12)}</code> ·{' '}
        <Link to={`/admin/plans/${encodeURIComponent(plan.data.key)}/calendar`}>Business calendar</Link>
      </p>
      <div className="two">
        <div className="card">
          <h2>In plain words</h2>
          <p className="explain" data-testid="plan-explain">
            {plan.data.explain}
          </p>
        </div>
        <Validator document={plan.data.document} onStored={plan.setData} />
      </div>
    </section>
  );
}

function Validator({
  document,
  onStored,
}: {
  document: Record<string, unknown>;
  onStored: (stored: PlanDetail) => void;
}) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<PlanError[] | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // JSON is YAML: the stored document, pretty-printed, is a valid starting point to edit.
  useEffect(() => setText(JSON.stringify(document, null, 2)), [document]);
  const send = async (save: boolean) => {
    setErrors(null);
    setOk(null);
    setFailure(null);
    setBusy(true);
    try {
      const options = { raw: text, rawType: 'application/yaml' };
      if (save) {
        const stored = await api<PlanStored>('POST', '/v1/plans', options);
        onStored(stored);
        setOk(
          stored.created
            ? `Saved: plan ${stored.key} version ${stored.version}. New contracts are sold under it; existing ones keep the version they were sold under.`
            : `Nothing to save: the document is version ${stored.version}, the latest.`,
        );
        return;
      }
      const result = await api<{ key: string; contentHash: string }>('POST', '/v1/plans/validate', options);
      setOk(`Valid: plan ${result.key}, content ${result.contentHash.slice(0, 12)}.`);
    } catch (error) {
      const list =
        error instanceof ApiError
          ? (error.details as { errors?: PlanError[] } | undefined)?.errors
          : undefined;
      if (list) setErrors(list);
      else setFailure(error as Error);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send(false);
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <h2>Document (YAML or JSON)</h2>
      <Field
        label="Plan document"
        name="document"
        hint="Edit, validate, then save: saving stores a new version (versions never change)."
      >
        {(p) => (
          <textarea
            {...p}
            className="mono editor"
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          Validate
        </button>{' '}
        <button type="button" className="primary" disabled={busy} onClick={() => void send(true)}>
          Save as a new version
        </button>
      </div>
      {ok && (
        <p className="notice ok" role="status">
          {ok}
        </p>
      )}
      <ErrorNotice error={failure} />
      {errors && (
        <div className="notice error" role="alert">
          <strong>{errors.length} problem(s):</strong>
          <ul>
            {errors.map((e) => (
              <li key={`${e.path}-${e.message}`}>
                <code>{e.path || '(document)'}</code>
                {e.line !== undefined &&
                  ` (line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''})`}
                : {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

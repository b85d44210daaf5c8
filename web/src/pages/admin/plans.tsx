import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api, get } from '../../api.ts';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { instant } from '../../format.ts';
import { Link } from '../../router.tsx';

type PlanSummary = { key: string; name: string; version: number; contentHash: string; createdAt: string };
type PlanDetail = PlanSummary & { document: Record<string, unknown>; explain: string };
type PlanError = { path: string; message: string; line?: number; column?: number };

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
            </small>
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
        {plan.data.key} version {plan.data.version} · <code>{plan.data.contentHash.slice(0, 12)}</code>
      </p>
      <div className="two">
        <div className="card">
          <h2>In plain words</h2>
          <p className="explain" data-testid="plan-explain">
            {plan.data.explain}
          </p>
        </div>
        <Validator document={plan.data.document} />
      </div>
    </section>
  );
}

function Validator({ document }: { document: Record<string, unknown> }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<PlanError[] | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);
  // JSON is YAML: the stored document, pretty-printed, is a valid starting point to edit.
  useEffect(() => setText(JSON.stringify(document, null, 2)), [document]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    setOk(null);
    setFailure(null);
    try {
      const result = await api<{ key: string; contentHash: string }>('POST', '/v1/plans/validate', {
        raw: text,
        rawType: 'application/yaml',
      });
      setOk(`Valid: plan ${result.key}, content ${result.contentHash.slice(0, 12)}.`);
    } catch (error) {
      const list =
        error instanceof ApiError
          ? (error.details as { errors?: PlanError[] } | undefined)?.errors
          : undefined;
      if (list) setErrors(list);
      else setFailure(error as Error);
    }
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <h2>Document (YAML or JSON)</h2>
      <Field
        label="Plan document"
        name="document"
        hint="Edit and validate; saving a plan is done with the CLI (docs/plans.md)."
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
      <button type="submit">Validate</button>
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

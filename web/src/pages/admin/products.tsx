import { type FormEvent, useState } from 'react';
import { ProductCreateSchema } from '../../../../src/schema/catalog.schema.ts';
import { get, post } from '../../api.ts';
import { forgetProducts } from '../../catalog-names.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { ErrorNotice, Field, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { minorDigits, money } from '../../format.ts';
import { useSubmit, validate } from '../../forms.ts';
import { Link, navigate } from '../../router.tsx';
import type { Product } from '../../types.ts';

export function ProductsPage() {
  const paged = usePaged<Product>('/v1/products', { includeArchived: 'true' });
  return (
    <section>
      <PageTitle>Products</PageTitle>
      <ErrorNotice error={paged.error} />
      {!paged.items && !paged.error && <Loading />}
      {paged.items && (
        <table>
          <thead>
            <tr>
              <th>Product</th>
              <th>Plan</th>
              <th>Category</th>
              <th>Prices</th>
            </tr>
          </thead>
          <tbody>
            {paged.items.map((p) => (
              <tr key={p.id}>
                <td data-label="Product">
                  <Link to={`/admin/products/${encodeURIComponent(p.id)}`}>{p.name}</Link>{' '}
                  {p.archivedAt && <small className="muted">(archived)</small>}
                </td>
                <td data-label="Plan">
                  <Link to={`/admin/plans/${encodeURIComponent(p.planKey)}`}>{p.planKey}</Link>
                </td>
                <td data-label="Category">{p.category}</td>
                <td data-label="Prices">
                  {p.prices.map((x) => money(x.amountMinor, x.currency)).join(', ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager paged={paged} />
      <NewProduct />
    </section>
  );
}

function NewProduct() {
  const plans = useLoad(() => get<{ items: { key: string; name: string }[] }>('/v1/plans'), 'plans');
  const [v, setV] = useState({
    slug: '',
    name: '',
    category: 'standard',
    planKey: '',
    currency: 'EUR',
    amount: '',
  });
  const form = useSubmit();
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV({ ...v, [k]: e.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const prices =
      v.amount === ''
        ? []
        : [
            {
              currency: v.currency,
              amountMinor: Math.round(Number(v.amount) * 10 ** minorDigits(v.currency)),
            },
          ];
    const checked = validate(ProductCreateSchema, {
      slug: v.slug,
      name: v.name,
      category: v.category,
      planKey: v.planKey,
      prices,
    });
    if (!checked.ok) return form.setErrors(checked.errors);
    void form.run(async () => {
      const product = await post<Product>('/v1/products', checked.value);
      forgetProducts();
      navigate(`/admin/products/${encodeURIComponent(product.id)}`);
    });
  };
  return (
    <form onSubmit={submit} noValidate className="card" aria-labelledby="new-product">
      <h2 id="new-product">New product</h2>
      <div className="row">
        <Field label="Name" name="name" error={form.errors.name}>
          {(p) => <input {...p} value={v.name} onChange={set('name')} />}
        </Field>
        <Field label="Slug" name="slug" error={form.errors.slug} hint="e.g. report-builder">
          {(p) => <input {...p} value={v.slug} onChange={set('slug')} />}
        </Field>
        <Field label="Category" name="category" error={form.errors.category}>
          {(p) => <input {...p} value={v.category} onChange={set('category')} />}
        </Field>
        <Field label="Plan" name="planKey" error={form.errors.planKey}>
          {(p) => (
            <select {...p} value={v.planKey} onChange={set('planKey')}>
              <option value="">Choose a plan…</option>
              {plans.data?.items.map((pl) => (
                <option key={pl.key} value={pl.key}>
                  {pl.name} ({pl.key})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Currency" name="currency" error={form.errors['prices.0.currency']}>
          {(p) => <input {...p} value={v.currency} maxLength={3} onChange={set('currency')} />}
        </Field>
        <Field
          label="Price (major units)"
          name="amount"
          error={form.errors['prices.0.amountMinor']}
          hint="e.g. 499.00"
        >
          {(p) => <input {...p} inputMode="decimal" value={v.amount} onChange={set('amount')} />}
        </Field>
      </div>
      <ErrorNotice error={form.failure} />
      <button type="submit" className="primary" disabled={form.busy}>
        Create the product
      </button>
    </form>
  );
}

import { useState } from 'react';
import { get, post } from '../../api.ts';
import { CoverageTimeline } from '../../components/coverage-timeline.tsx';
import { Badge, CopyButton, ErrorNotice, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { civil, instant } from '../../format.ts';
import { useSubmit } from '../../forms.ts';
import { Link } from '../../router.tsx';
import { useAccount } from '../../session.tsx';
import type { ContractDetail } from '../../types.ts';
import { STATE_TONE } from './contracts.tsx';
import { RenewPanel } from './renew.tsx';

type License = {
  licenseId: string;
  contractId: string;
  keys: { id: string; major: number; prefix: string; issuedAt: string; revokedAt: string | null }[];
};

const TERM_WORDS = {
  initial: 'First term',
  renewal: 'Renewal',
  'backdated-gap': 'Backdated gap (paid, licensed, no service)',
  reinstatement: 'Reinstatement',
} as const;

/** One contract: coverage terms, what it entitles to today, license keys and file, renewal. */
export function ContractPage({ id, staff = false }: { id: string; staff?: boolean }) {
  const path = `/v1/contracts/${encodeURIComponent(id)}`;
  const contract = useLoad(() => get<ContractDetail>(path), path);
  if (contract.error) return <ErrorNotice error={contract.error} />;
  const c = contract.data;
  if (!c) return <Loading what="Loading the contract" />;
  return (
    <section>
      <PageTitle>{c.productName}</PageTitle>
      <p>
        <Badge tone={STATE_TONE[c.state]}>{c.state}</Badge>{' '}
        {c.state === 'active' && c.lastCoveredDay && (
          <>Covered until {civil(c.lastCoveredDay)} (inclusive).</>
        )}
        {c.state === 'lapsed' && c.expiresOn && <>Coverage ended on {civil(c.expiresOn)}. Renew it below.</>}
        {c.state === 'not-started' && <>Coverage has not started yet.</>}
        {!c.serviceToday && c.state === 'active' && <> Today lies in a backdated gap: no service.</>}
      </p>
      <div className="two">
        <div className="card">
          <h2>Contract</h2>
          <dl className="facts">
            <dt>Plan</dt>
            <dd>
              {c.plan.key} v{c.plan.version}
            </dd>
            <dt>Purchased</dt>
            <dd>
              {civil(c.purchasedOn)} (version {c.purchasedMajor}.x)
            </dd>
            {c.seats !== null && (
              <>
                <dt>Users</dt>
                <dd>{c.seats}</dd>
              </>
            )}
            <dt>Contract id</dt>
            <dd className="mono">{c.id}</dd>
          </dl>
        </div>
        <Entitlements c={c} />
      </div>
      <h2>Coverage terms</h2>
      <table>
        <thead>
          <tr>
            <th>Term</th>
            <th>From</th>
            <th>Until (last day)</th>
            <th>Service</th>
          </tr>
        </thead>
        <tbody>
          {c.terms.effective.map((t) => (
            <tr key={`${t.kind}-${t.startsOn}`}>
              <td data-label="Term">{TERM_WORDS[t.kind]}</td>
              <td data-label="From">{civil(t.startsOn)}</td>
              <td data-label="Until">{civil(dayBefore(t.endsOn))}</td>
              <td data-label="Service">{t.givesService ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CoverageTimeline contract={c} />
      <LicensePanel contractId={c.id} staff={staff} />
      <RenewPanel contract={c} staff={staff} onOrdered={contract.reload} />
      {c.orders.length > 0 && (
        <>
          <h2>Orders</h2>
          <ul className="plain">
            {c.orders.map((o) => (
              <li key={o.id}>
                {civil(o.orderedOn)}: {o.kind}
                {o.invoiceNumber && <> — invoice {o.invoiceNumber}</>}
              </li>
            ))}
          </ul>
        </>
      )}
      {!staff && (
        <p>
          <Link to={`/portal/tickets/new?product=${encodeURIComponent(c.productId)}`}>
            Open a ticket about {c.productName}
          </Link>
        </p>
      )}
    </section>
  );
}

/** The half-open end date minus one day: the last covered day, as people say "until". */
function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

function Entitlements({ c }: { c: ContractDetail }) {
  const rows: [string, { allowed: boolean; reason: string } | null][] = [
    ['Support tickets', c.entitlements.support],
    ['Updates', c.entitlements.updates],
    ['Download the latest release', c.entitlements.downloads],
    ...Object.entries(c.entitlements.features).map(([k, v]) => [`Feature: ${k}`, v] as [string, typeof v]),
  ];
  return (
    <div className="card">
      <h2>What it covers today</h2>
      <ul className="plain">
        {rows.map(([label, d]) => (
          <li key={label}>
            {d === null ? (
              <Badge tone="muted">n/a</Badge>
            ) : d.allowed ? (
              <Badge tone="ok">yes</Badge>
            ) : (
              <Badge tone="bad">no</Badge>
            )}{' '}
            {label} {d && <small className="muted">({d.reason})</small>}
          </li>
        ))}
      </ul>
    </div>
  );
}

type IssuedKey = { major: number; key: string; prefix?: string };

function LicensePanel({ contractId, staff }: { contractId: string; staff: boolean }) {
  const path = `/v1/contracts/${encodeURIComponent(contractId)}/license`;
  const license = useLoad(() => get<License>(path), path);
  const { account } = useAccount();
  // A customer admin rotates its own organisation's keys; staff rotate any (POST …/rotate).
  const mayRotate = staff || account.role === 'customer-admin';
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const rotation = useSubmit();
  const rotate = (licenseId: string, major: number) =>
    void rotation.run(async () => {
      const key = await post<IssuedKey>(
        `/v1/licenses/${encodeURIComponent(licenseId)}/keys/${major}/rotate`,
        {},
      );
      setIssued(key);
      setAsking(null);
      license.reload();
    });
  return (
    <section aria-labelledby="license-title">
      <h2 id="license-title">License keys</h2>
      {license.error && <ErrorNotice error={license.error} />}
      {license.data && license.data.keys.length === 0 && <p className="muted">No keys issued yet.</p>}
      <ul className="plain">
        {license.data?.keys.map((k) => (
          <li key={k.id}>
            Version {k.major}.x: <code>{k.prefix}…</code> <CopyButton text={k.prefix} label="Copy prefix" />{' '}
            <small className="muted">issued {instant(k.issuedAt)}</small>
            {k.revokedAt && <Badge tone="bad">revoked</Badge>}{' '}
            {mayRotate && !k.revokedAt && license.data && asking !== k.major && (
              <button type="button" className="small" onClick={() => setAsking(k.major)}>
                Rotate key {k.major}.x
              </button>
            )}{' '}
            <a
              href={`/v1/contracts/${encodeURIComponent(contractId)}/license-file?major=${k.major}`}
              download={`license-${k.major}.json`}
            >
              Download offline license file
            </a>
          </li>
        ))}
      </ul>
      {asking !== null && license.data && (
        <div className="notice warn" role="alertdialog" aria-labelledby="rotate-title">
          <p id="rotate-title">
            Rotating revokes the current {asking}.x key at once: installations using it stop validating until
            they get the new key. The new key is shown only once.
          </p>
          <button
            type="button"
            className="primary"
            onClick={() => rotate(license.data?.licenseId ?? '', asking)}
            disabled={rotation.busy}
          >
            Revoke it and issue a new key
          </button>{' '}
          <button type="button" onClick={() => setAsking(null)} disabled={rotation.busy}>
            Keep the current key
          </button>
        </div>
      )}
      <ErrorNotice error={rotation.failure} />
      {issued && (
        <div className="notice ok" role="status" data-testid="rotated-key">
          <p>
            New key for version {issued.major}.x, shown this once — copy it now:{' '}
            <code data-testid="new-license-key">{issued.key}</code> <CopyButton text={issued.key} />
          </p>
        </div>
      )}
      <p className="muted">
        A full key is shown once, when it is issued (after a purchase or renewal). The offline license file is
        signed and lets the software check the license without reaching us.
      </p>
    </section>
  );
}

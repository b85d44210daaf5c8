import { useState } from 'react';
import type { Backup, System } from '../../../../src/schema/systems.schema.ts';
import { ApiError, get } from '../../api.ts';
import { Pager, usePaged } from '../../components/pager.tsx';
import { Badge, ErrorNotice, Loading, PageTitle, useLoad } from '../../components/ui.tsx';
import { bytes, civil, instant } from '../../format.ts';
import { Link } from '../../router.tsx';

/** Why a download was refused (R4.5: backups download only while the subscription gives service). */
const REFUSAL_WORDS: Record<string, string> = {
  LAPSED: 'The subscription of this system has lapsed: backups can be downloaded again once it is renewed.',
  NOT_STARTED: 'The subscription of this system has not started yet.',
  IN_BACKDATED_GAP:
    'Today lies in a backdated part of the subscription, which gives no service: renew to download backups.',
  NO_CONTRACT: 'This system is not attached to a subscription, so its backups cannot be downloaded.',
  NOT_ENTITLED_BY_PLAN: 'The plan of this system’s subscription does not include backup downloads.',
};

type Decision = { reason?: string; facts?: { coveredUntil?: { lastCoveredDay?: string } | null } };

/** The organisation's systems (phone systems) and their configuration backups, newest first (R4.5). */
export function BackupsPage() {
  const systems = usePaged<System>('/v1/systems');
  return (
    <section>
      <PageTitle>Configuration backups</PageTitle>
      <p className="muted">
        Your systems upload their configuration over the API. While a system’s subscription is active you can
        download its backups here.
      </p>
      <ErrorNotice error={systems.error} />
      {!systems.items && !systems.error && <Loading what="Loading systems" />}
      {systems.items?.length === 0 && (
        <p className="muted">No systems are registered for your organisation.</p>
      )}
      <ul className="plain">
        {systems.items?.map((s) => (
          <li key={s.id} className="card" data-testid="system">
            <h2>{s.name}</h2>
            <p className="muted">
              Registered {instant(s.createdAt)}
              {s.contractId && (
                <>
                  {' · '}
                  <Link to={`/portal/contracts/${encodeURIComponent(s.contractId)}`}>Subscription</Link>
                </>
              )}
            </p>
            <Backups systemId={s.id} />
          </li>
        ))}
      </ul>
      <Pager paged={systems} />
    </section>
  );
}

function Backups({ systemId }: { systemId: string }) {
  const path = `/v1/systems/${encodeURIComponent(systemId)}/backups`;
  const backups = useLoad(() => get<{ items: Backup[] }>(path), path);
  if (backups.error) return <ErrorNotice error={backups.error} />;
  if (!backups.data) return <Loading what="Loading backups" />;
  if (backups.data.items.length === 0) return <p className="muted">No backups uploaded yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Uploaded</th>
          <th>Size</th>
          <th>SHA-256</th>
          <th>Download</th>
        </tr>
      </thead>
      <tbody>
        {backups.data.items.map((b) => (
          <tr key={b.id}>
            <td data-label="Uploaded">{instant(b.createdAt)}</td>
            <td data-label="Size">{bytes(b.sizeBytes)}</td>
            <td data-label="SHA-256">
              <code title={b.sha256}>{b.sha256.slice(0, 16)}…</code>
            </td>
            <td data-label="Download">
              {b.deletedAt ? (
                <span>
                  <Badge tone="muted">deleted</Badge> {civil(b.deletedAt.slice(0, 10))}
                  {b.deletedReason && <small className="muted"> ({b.deletedReason})</small>}
                </span>
              ) : (
                <DownloadButton backup={b} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Fetches the bytes first, so a refusal (403 NOT_ENTITLED with the decision) is explained in words
 * beside the button instead of downloading the error body; then saves them under the server's name.
 */
function DownloadButton({ backup }: { backup: Backup }) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<ApiError | Error | null>(null);
  const download = async () => {
    setBusy(true);
    setRefusal(null);
    try {
      const response = await fetch(`/v1/backups/${encodeURIComponent(backup.id)}/download`, {
        credentials: 'same-origin',
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as {
          error?: { code?: string; message?: string; details?: unknown; requestId?: string };
        };
        throw new ApiError(
          response.status,
          body.error?.code ?? 'HTTP_ERROR',
          body.error?.message ?? `The server answered ${response.status}.`,
          body.error?.details,
          body.error?.requestId ?? null,
        );
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `${backup.id}.backup`;
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setRefusal(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setBusy(false);
    }
  };
  const decision =
    refusal instanceof ApiError && refusal.code === 'NOT_ENTITLED' ? (refusal.details as Decision) : null;
  const words = decision?.reason ? REFUSAL_WORDS[decision.reason] : undefined;
  const lastDay = decision?.facts?.coveredUntil?.lastCoveredDay;
  return (
    <>
      <button type="button" className="small" onClick={download} disabled={busy}>
        Download backup of {instant(backup.createdAt)}
      </button>
      {decision ? (
        <p className="notice error" role="alert" data-testid="backup-refused">
          <strong>Download refused.</strong> {words ?? refusal?.message}
          {lastDay && <> The subscription covered until {civil(lastDay)}.</>}{' '}
          <small className="code">({decision.reason})</small>
        </p>
      ) : (
        <ErrorNotice error={refusal} />
      )}
    </>
  );
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { RouteEntry } from '../../src/server/auth/access.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Database } from '../../src/server/db/database-types.ts';
import { asSession, makeApp, type SignedIn, signIn, testClock, withKey } from '../server/app-helpers.ts';
import {
  createProduct,
  createRelease,
  createOrganisation as insertOrganisation,
  PRESET,
  signInCustomer,
} from '../support/commerce-fixtures.ts';
import { describeDb } from '../support/db-harness.ts';

/**
 * The role × route × own-or-other-organisation matrix (issue 3, "Security and concurrency"),
 * generated from the app's route table, so a new route cannot skip it:
 * - every route a customer may call that has a path parameter: org B's customer-admin with org A's
 *   ids → 404, and with a nonexistent id → 404 with the same code; org B's customer-user may get
 *   403 instead, but the same answer for A's object as for a missing one; org A's own customer →
 *   not 404 (so the fixture ids are real and the 404s mean something);
 * - every staff-only route: a customer session (of the organisation that owns the ids) → 403.
 * A path parameter without a fixture below FAILS the test: add one to PARAMS (and, when the route
 * needs a body or query to get past validation, to REQUESTS).
 */

/**
 * Path parameters by `<segment before it>/:<name>`. `owned`: the object belongs to one organisation
 * (another's customer must get 404); catalog objects are shared. `kind: 'value'` is not an object id
 * (a major version number): it is not replaced by a nonexistent id.
 */
const PARAMS: Record<string, { fixture: keyof WorldKeys; owned: boolean; kind?: 'value' }> = {
  'organisations/:id': { fixture: 'organisation', owned: true },
  'users/:userId': { fixture: 'user', owned: true },
  'restrictions/:restrictionId': { fixture: 'restriction', owned: true },
  'contracts/:id': { fixture: 'contract', owned: true },
  'licenses/:id': { fixture: 'license', owned: true },
  'keys/:major': { fixture: 'major', owned: false, kind: 'value' },
  'invoices/:id': { fixture: 'invoice', owned: true },
  'systems/:id': { fixture: 'system', owned: true },
  'items/:itemId': { fixture: 'item', owned: true },
  'backups/:id': { fixture: 'backup', owned: true },
  'products/:id': { fixture: 'product', owned: false },
  'releases/:id': { fixture: 'release', owned: false },
  'artifacts/:id': { fixture: 'artifact', owned: false },
  'tickets/:id': { fixture: 'ticket', owned: true },
  'attachments/:attachmentId': { fixture: 'attachment', owned: true },
};

type WorldKeys = {
  organisation: string;
  user: string;
  restriction: string;
  contract: string;
  license: string;
  major: string;
  invoice: string;
  system: string;
  item: string;
  backup: string;
  product: string;
  release: string;
  artifact: string;
  ticket: string;
  attachment: string;
};

/** What a route needs besides its path to pass validation (body, query). Keyed `METHOD url`. */
const REQUESTS: Record<string, () => Partial<InjectOptions>> = {
  'POST /v1/organisations/:id/users': () => ({
    payload: {
      email: `matrix-${Math.random().toString(36).slice(2)}@b.test`,
      name: 'M',
      role: 'customer-user',
    },
  }),
  'PATCH /v1/organisations/:id/users/:userId': () => ({ payload: { name: 'Renamed by matrix' } }),
  'GET /v1/contracts/:id/entitlements': () => ({ query: { gate: 'support' } }),
  'POST /v1/contracts/:id/renewals/quote': () => ({ payload: {} }),
  'POST /v1/contracts/:id/renewals': () => ({ payload: {} }),
  'POST /v1/contracts/:id/seats/quote': () => ({ payload: { seats: 1 } }),
  'POST /v1/contracts/:id/seats': () => ({ payload: { seats: 1 } }),
  'POST /v1/systems/:id/items': () => ({ payload: { kind: 'extension', label: 'Matrix ext.' } }),
  'POST /v1/systems/:id/api-keys': () => ({ payload: { name: 'matrix key' } }),
  'POST /v1/tickets/:id/messages': () => ({ payload: { body: 'Matrix reply' } }),
};

const NO_FIXTURE = (route: RouteEntry, key: string) =>
  `${route.method} ${route.url}: path parameter ${key} has no fixture. Add it to PARAMS in ` +
  'test/security/organisation-matrix.test.ts (create one in buildWorld), so the organisation matrix covers the route.';

function paramKeys(url: string): string[] {
  const segments = url.split('/');
  return segments.flatMap((s, i) => (s.startsWith(':') ? [`${segments[i - 1]}/${s}`] : []));
}

function isCustomerRoute(route: RouteEntry): boolean {
  const a = route.access;
  if (typeof a !== 'object') return false;
  return 'role' in a ? a.role.startsWith('customer') : a.customer === true;
}

function isStaffOnly(route: RouteEntry): boolean {
  const a = route.access;
  return typeof a === 'object' && ('role' in a ? !a.role.startsWith('customer') : a.customer !== true);
}

/** A nonexistent id shaped like a real one (same prefix). */
function missingLike(id: string): string {
  return `${id.split('_')[0]}_00000000000000000000000000`;
}

function fill(url: string, values: Record<string, string>): string {
  const segments = url.split('/');
  return segments
    .map((s, i) => (s.startsWith(':') ? encodeURIComponent(values[`${segments[i - 1]}/${s}`] ?? 'x_1') : s))
    .join('/');
}

describeDb('organisation matrix: role × route × own or other organisation', (getDb) => {
  it('a customer of another organisation gets 404 for every owned object, like a missing one; staff-only routes → 403', async () => {
    const { db } = getDb();
    const dirs = [
      mkdtempSync(join(tmpdir(), 'upkeep-matrix-a-')),
      mkdtempSync(join(tmpdir(), 'upkeep-matrix-b-')),
      mkdtempSync(join(tmpdir(), 'upkeep-matrix-c-')),
    ];
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      UPKEEP_DATA_DIR: '/nonexistent',
      UPKEEP_ARTIFACT_DIR: dirs[0] ?? '',
      UPKEEP_BACKUP_DIR: dirs[1] ?? '',
      UPKEEP_ATTACHMENT_DIR: dirs[2] ?? '',
    });
    const app = await makeApp(db, testClock(new Date()), {
      config,
      signInLimits: { perIp: 10_000, perAccount: 10_000, windowMs: 60_000 },
    });
    try {
      const world = await buildWorld(app, db);
      const { problems, customerRoutes, staffRoutes } = await runMatrix(app, world);
      expect(problems, problems.join('\n')).toEqual([]);
      // Not vacuous: the routes of every part are in (raise these as routes land).
      expect(customerRoutes).toBeGreaterThanOrEqual(35);
      expect(staffRoutes).toBeGreaterThanOrEqual(25);
    } finally {
      await app.close();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});

type MatrixWorld = {
  values: WorldKeys;
  /** A customer-admin of organisation A, which owns every fixture. */
  own: SignedIn;
  /** A customer-admin and a customer-user of organisation B. */
  other: SignedIn;
  otherUser: SignedIn;
  otherOrganisation: string;
};

async function runMatrix(
  app: FastifyInstance,
  world: MatrixWorld,
): Promise<{ problems: string[]; customerRoutes: number; staffRoutes: number }> {
  const problems: string[] = [];
  const routes = app.routeTable.filter((r) => r.url.startsWith('/v1/') && r.method !== 'HEAD');
  const values: Record<string, string> = {};
  for (const [key, p] of Object.entries(PARAMS)) values[key] = world.values[p.fixture];
  const call = (who: SignedIn, route: RouteEntry, v: Record<string, string>) =>
    app.inject(
      asSession(who, {
        method: route.method as NonNullable<InjectOptions['method']>,
        url: fill(route.url, v),
        ...(REQUESTS[`${route.method} ${route.url}`]?.() ?? {}),
      }),
    );
  const sanity: RouteEntry[] = [];
  let staffRoutes = 0;
  for (const route of routes) {
    const label = `${route.method} ${route.url}`;
    const keys = paramKeys(route.url);
    const missingFixture = keys.find((k) => PARAMS[k] === undefined);
    if (isStaffOnly(route)) {
      const res = await call(world.own, route, values);
      if (res.statusCode !== 403)
        problems.push(`${label}: a customer session got ${res.statusCode}, not 403`);
      staffRoutes += 1;
      continue;
    }
    if (!isCustomerRoute(route) || keys.length === 0) continue;
    if (missingFixture) {
      problems.push(NO_FIXTURE(route, missingFixture));
      continue;
    }
    const owned = keys.some((k) => PARAMS[k]?.owned);
    let otherCode: string | undefined;
    if (owned) {
      const res = await call(world.other, route, values);
      otherCode = res.json().error?.code;
      if (res.statusCode !== 404)
        problems.push(
          `${label}: another organisation's customer got ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
      if (keys.includes('organisations/:id') && keys.length > 1) {
        const mixed = await call(world.other, route, {
          ...values,
          'organisations/:id': world.otherOrganisation,
        });
        if (mixed.statusCode !== 404)
          problems.push(`${label}: own organisation + another's child id got ${mixed.statusCode}`);
      }
    }
    for (const key of keys.filter((k) => PARAMS[k]?.kind !== 'value')) {
      const res = await call(world.other, route, { ...values, [key]: missingLike(values[key] ?? '') });
      const code = res.json().error?.code;
      if (res.statusCode === 400 && code === 'VALIDATION_FAILED')
        problems.push(
          `${label}: 400 before the lookup; add a valid request to REQUESTS (${res.body.slice(0, 200)})`,
        );
      else if (res.statusCode !== 404) problems.push(`${label}: nonexistent ${key} got ${res.statusCode}`);
      else if (otherCode !== undefined && code !== otherCode)
        problems.push(`${label}: another's object answers ${otherCode}, a missing ${key} ${code}`);
    }
    if (owned) problems.push(...(await sameAsMissing(call, world.otherUser, route, values, keys)));
    sanity.push(route);
  }
  // Last, as the owner: not 404, so the ids above were real (GETs first: writes may change fixtures).
  sanity.sort((a, b) => Number(a.method !== 'GET') - Number(b.method !== 'GET'));
  for (const route of sanity) {
    const res = await call(world.own, route, values);
    if (res.statusCode === 404 || res.statusCode >= 500)
      problems.push(
        `${route.method} ${route.url}: the owner got ${res.statusCode} ${res.body.slice(0, 200)}`,
      );
  }
  return { problems, customerRoutes: sanity.length, staffRoutes };
}

/**
 * A customer-user of another organisation may be refused (403) where a customer-admin would get
 * 404, but it must not tell organisation A's object from a missing one: same status, same code.
 */
async function sameAsMissing(
  call: (who: SignedIn, route: RouteEntry, v: Record<string, string>) => Promise<LightMyRequestResponse>,
  who: SignedIn,
  route: RouteEntry,
  values: Record<string, string>,
  keys: string[],
): Promise<string[]> {
  const key = keys.find((k) => PARAMS[k]?.owned) ?? '';
  const theirs = await call(who, route, values);
  const missing = await call(who, route, { ...values, [key]: missingLike(values[key] ?? '') });
  const label = `${route.method} ${route.url} as another organisation's customer-user`;
  const problems: string[] = [];
  if (![403, 404].includes(theirs.statusCode)) problems.push(`${label}: got ${theirs.statusCode}`);
  if (theirs.statusCode !== missing.statusCode || theirs.json().error?.code !== missing.json().error?.code)
    problems.push(
      `${label}: A's object answers ${theirs.statusCode}, a missing ${key} ${missing.statusCode}`,
    );
  return problems;
}

/** One of everything in organisation A (through the API where it is the natural way), and a customer of B. */
async function buildWorld(app: FastifyInstance, db: Kysely<Database>): Promise<MatrixWorld> {
  const admin = await signIn(db, 'admin');
  const agent = await signIn(db, 'agent');
  const ok = async (res: LightMyRequestResponse, what: string) => {
    if (res.statusCode >= 300) throw new Error(`matrix fixture ${what}: ${res.statusCode} ${res.body}`);
    return res.json() as Created;
  };
  const post = (who: SignedIn, url: string, payload: object) =>
    app.inject(asSession(who, { method: 'POST', url, payload }));
  const organisation = (await ok(await post(admin, '/v1/organisations', { name: 'Org A' }), 'organisation'))
    .id;
  const otherOrganisation = await insertOrganisation(db, 'Org B');
  const user = (
    await ok(
      await post(admin, `/v1/organisations/${organisation}/users`, {
        email: 'a-user@a.test',
        name: 'A',
        role: 'customer-user',
      }),
      'user',
    )
  ).user.id;
  const restriction = (
    await ok(
      await post(agent, `/v1/organisations/${organisation}/restrictions`, {
        kind: 'suspension',
        reason: 'flooding',
      }),
      'restriction',
    )
  ).id;
  // Lifted at once, so it does not change what organisation A's customer may do below.
  await ok(
    await post(agent, `/v1/organisations/${organisation}/restrictions/${restriction}/lift`, {
      note: 'matrix',
    }),
    'lift',
  );
  const product = await createProduct(db, { planKey: PRESET.S0 });
  const release = await createRelease(db, product, '1.0.0', '2020-01-01');
  const api = { app, admin, ok, post, has: (key: string) => routeKeys(app).has(key) };
  const catalog = await catalogPart(api, release);
  const sale = await contractPart(api, db, organisation, product);
  const systems = await systemsPart(api, organisation);
  const ticket = await ticketPart(api, organisation, product);
  const attachment = await attachmentPart(api, ticket);
  return {
    values: {
      organisation,
      user,
      restriction,
      ...sale,
      ...systems,
      major: '1',
      product,
      release,
      ...catalog,
      ticket,
      attachment,
    },
    own: await signInCustomer(db, organisation, 'customer-admin'),
    other: await signInCustomer(db, otherOrganisation, 'customer-admin'),
    otherUser: await signInCustomer(db, otherOrganisation, 'customer-user'),
    otherOrganisation,
  };
}

type Api = {
  app: FastifyInstance;
  admin: SignedIn;
  ok: (res: LightMyRequestResponse, what: string) => Promise<Created>;
  post: (who: SignedIn, url: string, payload: object) => Promise<LightMyRequestResponse>;
  /** Whether a route exists: a part whose routes have not landed yet makes no fixtures. */
  has: (key: string) => boolean;
};

/** The fields the fixtures read from the creating routes' answers. */
type Created = { id: string; key: string; contractId: string; invoice: { id: string }; user: { id: string } };

const ABSENT = 'absent_00000000000000000000000000';

function routeKeys(app: FastifyInstance): Set<string> {
  return new Set(app.routeTable.map((r) => `${r.method} ${r.url}`));
}

async function catalogPart(api: Api, release: string): Promise<{ artifact: string }> {
  if (!api.has('POST /v1/releases/:id/artifacts')) return { artifact: ABSENT };
  const res = await api.app.inject(
    asSession(api.admin, {
      method: 'POST',
      url: `/v1/releases/${release}/artifacts?fileName=app.zip`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('matrix artifact'),
    }),
  );
  return { artifact: (await api.ok(res, 'artifact')).id };
}

/** A purchase: the contract, its license and its invoice. */
async function contractPart(
  api: Api,
  db: Kysely<Database>,
  organisationId: string,
  productId: string,
): Promise<{ contract: string; license: string; invoice: string }> {
  if (!api.has('POST /v1/contracts')) return { contract: ABSENT, license: ABSENT, invoice: ABSENT };
  const bought = await api.ok(
    await api.post(api.admin, '/v1/contracts', { organisationId, productId }),
    'contract',
  );
  const license = await db
    .selectFrom('licenses')
    .select('id')
    .where('contract_id', '=', bought.contractId)
    .executeTakeFirst();
  return { contract: bought.contractId, license: license?.id ?? ABSENT, invoice: bought.invoice.id };
}

/** A system of the organisation with one item and one backup uploaded by the system's own key. */
async function systemsPart(
  api: Api,
  organisationId: string,
): Promise<{ system: string; item: string; backup: string }> {
  if (!api.has('POST /v1/systems')) return { system: ABSENT, item: ABSENT, backup: ABSENT };
  const { admin, ok, post } = api;
  const system = (await ok(await post(admin, '/v1/systems', { organisationId, name: 'PBX' }), 'system')).id;
  const item = (
    await ok(
      await post(admin, `/v1/systems/${system}/items`, { kind: 'desk-phone', label: 'Desk 1' }),
      'item',
    )
  ).id;
  if (!api.has('POST /v1/systems/:id/backups')) return { system, item, backup: ABSENT };
  const key = (await ok(await post(admin, `/v1/systems/${system}/api-keys`, { name: 'pbx' }), 'system key'))
    .key;
  const res = await api.app.inject(
    withKey(key, {
      method: 'POST',
      url: `/v1/systems/${system}/backups`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('matrix backup'),
    }),
  );
  return { system, item, backup: (await ok(res, 'backup')).id };
}

/** A log file attached to organisation A's ticket. */
async function attachmentPart(api: Api, ticket: string): Promise<string> {
  if (ticket === ABSENT || !api.has('POST /v1/tickets/:id/attachments')) return ABSENT;
  const res = await api.app.inject(
    asSession(api.admin, {
      method: 'POST',
      url: `/v1/tickets/${ticket}/attachments?name=matrix.log`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from('matrix log line\n'),
    }),
  );
  return (await api.ok(res, 'attachment')).id;
}

/** A ticket of organisation A, opened by staff under its (active, just bought) contract. */
async function ticketPart(api: Api, organisationId: string, productId: string): Promise<string> {
  if (!api.has('POST /v1/tickets')) return ABSENT;
  const body = {
    organisationId,
    productId,
    categoryId: 'support',
    subject: 'Matrix',
    description: 'Matrix ticket',
  };
  return (await api.ok(await api.post(api.admin, '/v1/tickets', body), 'ticket')).id;
}

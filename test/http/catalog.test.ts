// Channels, mall accounts (credentials go in, never out), products, matches and gift events.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { mallAccounts } from '../../src/storage/schema.js';
import { secretBox } from '../../src/storage/secret-box.js';
import { addLines, line, seedCatalog, TEST_KEY } from '../support/desk.js';
import { ADMIN, auditOf, expectError, grantRole, harness, OPERATOR, rowOf, VIEWER } from './helpers.js';

describe('mall accounts', () => {
  it('credentials are sealed at rest and never returned: only hasCredentials', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const credentials = { clientId: 'naver-client-7781', clientSecret: 'sup3r-s3cret-value' };
    const created = await h.api('POST', '/accounts', {
      actor: ADMIN,
      body: { channelId: f.channelId, name: '스마트스토어 본점', connector: 'naver', credentials },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: number };
    expect(created.body).not.toContain('sup3r');
    const plain = await h.api('POST', '/accounts', {
      actor: ADMIN,
      body: {
        channelId: f.otherChannelId,
        name: '쿠팡',
        connector: 'coupang',
        services: ['collect_orders', 'collect_claims'],
      },
    });
    expect(plain.statusCode, plain.body).toBe(201);

    const listed = await h.api('GET', '/accounts', { actor: VIEWER });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual([
      {
        id,
        channelId: f.channelId,
        name: '스마트스토어 본점',
        connector: 'naver',
        status: 'normal',
        services: ['collect_orders'],
        baseUrl: null,
        hasCredentials: true,
        isDemo: false,
      },
      expect.objectContaining({
        connector: 'coupang',
        hasCredentials: false,
        services: ['collect_orders', 'collect_claims'],
      }),
    ]);
    for (const leak of ['sup3r-s3cret-value', 'naver-client-7781', 'clientSecret', 'credentials']) {
      expect(listed.body).not.toContain(leak);
    }

    // At rest: sealed, not plain; the key opens it again.
    const [row] = await h.database.db.select().from(mallAccounts).where(eq(mallAccounts.id, id));
    expect(row!.credentialsSealed).toEqual(expect.any(String));
    expect(row!.credentialsSealed).not.toContain('sup3r');
    expect(JSON.parse(secretBox(TEST_KEY).open(row!.credentialsSealed!))).toEqual(credentials);
    // Nor in the audit trail.
    const audit = await auditOf(h.desk, { action: 'create_account' });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain('sup3r');
  });

  it('only an admin adds accounts; bad bodies are 400; an unknown channel 404', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const body = { channelId: f.channelId, name: '본점', connector: 'naver', credentials: { key: 'k-123' } };
    expectError(await h.api('POST', '/accounts', { body, actor: OPERATOR }), 403, 'FORBIDDEN');
    expectError(
      await h.api('POST', '/accounts', { body: { ...body, connector: 'ebay' }, actor: ADMIN }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await h.api('POST', '/accounts', { body: { ...body, services: ['mine_bitcoin'] }, actor: ADMIN }),
      400,
      'BAD_REQUEST',
    );
    expectError(
      await h.api('POST', '/accounts', { body: { ...body, channelId: 999 }, actor: ADMIN }),
      404,
      'NOT_FOUND',
    );
    expect((await h.api('GET', '/accounts')).json().items).toEqual([]);
  });

  it('without a secret key, credentials cannot be stored (503) and nothing is', async () => {
    const h = await harness({}, (desk) => ({ ...desk, secrets: null }));
    const f = await seedCatalog(h.desk);
    const res = await h.api('POST', '/accounts', {
      actor: ADMIN,
      lang: 'en',
      body: { channelId: f.channelId, name: '본점', connector: 'naver', credentials: { key: 'k-123' } },
    });
    expect(expectError(res, 503, 'SECRET_KEY_MISSING')).toContain('ORDERMATE_SECRET_KEY');
    expect((await h.api('GET', '/accounts')).json().items).toEqual([]);
  });
});

describe('channels and products', () => {
  it('an admin adds them (201); others get 403; duplicates 409', async () => {
    const h = await harness();
    await grantRole(h, VIEWER, 'viewer');
    const channel = { code: 'cafe24-main', name: '자사몰' };
    expectError(await h.api('POST', '/channels', { body: channel, actor: OPERATOR }), 403, 'FORBIDDEN');
    const made = await h.api('POST', '/channels', { body: channel, actor: ADMIN });
    expect(made.statusCode, made.body).toBe(201);
    expectError(await h.api('POST', '/channels', { body: channel, actor: ADMIN }), 409, 'CONFLICT');
    expectError(
      await h.api('POST', '/channels', { body: { ...channel, code: 'Bad Code' }, actor: ADMIN }),
      400,
      'VALIDATION',
    );
    const channels = await h.api('GET', '/channels', { actor: VIEWER });
    expect(channels.json().items).toEqual([
      expect.objectContaining({ id: made.json().id, code: 'cafe24-main', name: '자사몰', kind: 'mall' }),
    ]);

    const product = { code: 'B-100', name: '현미 10kg', priceKrw: 59000 };
    expectError(await h.api('POST', '/products', { body: product }), 403, 'FORBIDDEN');
    expect((await h.api('POST', '/products', { body: product, actor: ADMIN })).statusCode).toBe(201);
    expectError(await h.api('POST', '/products', { body: product, actor: ADMIN }), 409, 'CONFLICT');
    expectError(
      await h.api('POST', '/products', { body: { ...product, code: 'B-101', priceKrw: -5 }, actor: ADMIN }),
      400,
      'BAD_REQUEST',
    );
    const found = await h.api('GET', `/products?q=${encodeURIComponent('현미')}`);
    expect(found.json().items).toEqual([expect.objectContaining({ code: 'B-100', priceKrw: 59000 })]);
  });
});

describe('matches and gift events', () => {
  it('a match moves waiting orders to intake and generates their gifts (R1, R18)', async () => {
    const h = await harness();
    const f = await seedCatalog(h.desk);
    const gift = await h.api('POST', '/gift-events', {
      body: {
        channelId: f.channelId,
        name: '에코백 증정',
        productIds: [f.productId],
        startsOn: '2000-01-01',
        endsOn: '2999-12-31',
        minQuantity: 1,
        giftProductId: f.giftProductId,
      },
    });
    expect(gift.statusCode, gift.body).toBe(201);
    const { created, unmatched } = await addLines(h.desk, [
      line(f.channelId, { mallProductCode: 'P-NEW', mallOption: '' }),
    ]);
    expect(unmatched).toEqual(created);
    const res = await h.api('POST', '/matches', {
      body: {
        channelId: f.channelId,
        mallProductCode: 'P-NEW',
        items: [{ productId: f.productId, quantity: 2 }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { released, gifts } = res.json() as { released: number[]; gifts: number[] };
    expect(released).toEqual(created);
    expect(gifts).toHaveLength(1);
    expect(await rowOf(h.desk, created[0]!)).toMatchObject({
      stage: 'intake',
      productId: f.productId,
      quantity: 2,
    });
    expect(await rowOf(h.desk, gifts[0]!)).toMatchObject({ source: 'gift', giftParentSerial: created[0] });
    const matches = await h.api('GET', `/matches?channel=${f.channelId}`);
    expect(matches.json().items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ mallProductCode: 'P-NEW', productId: f.productId, quantity: 2 }),
      ]),
    );
    expect((await h.api('GET', `/gift-events?channel=${f.channelId}`)).json().items).toEqual([
      expect.objectContaining({ id: gift.json().id, name: '에코백 증정', active: true }),
    ]);
    expectError(
      await h.api('POST', '/gift-events', {
        body: {
          channelId: f.channelId,
          name: '기간 오류',
          productIds: [f.productId],
          startsOn: '2026-12-31',
          endsOn: '2026-01-01',
          minQuantity: 1,
          giftProductId: f.giftProductId,
        },
      }),
      400,
      'VALIDATION',
    );
  });
});
